package io.stagingcanary.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, so the request line reaches Tomcat exactly as written: no client
 * normalises {@code //}, {@code /./}, {@code ;} or percent-encoding on the way.
 */
final class RawHttp {

  record Response(int status, Map<String, String> headers, String body) {
    String contentType() {
      return headers.getOrDefault("content-type", "");
    }

    boolean isProblem() {
      return contentType().startsWith("application/problem+json");
    }

    @Override
    public String toString() {
      return status + " " + contentType() + " " + body;
    }
  }

  private final int port;

  RawHttp(int port) {
    this.port = port;
  }

  Response send(String method, String rawPath, String token) {
    return send(method, rawPath, token, null, Map.of());
  }

  Response send(
      String method, String rawPath, String token, String json, Map<String, String> headers) {
    byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(rawPath).append(" HTTP/1.1\r\n");
    head.append("Host: 127.0.0.1:").append(port).append("\r\n");
    head.append("Connection: close\r\n");
    if (token != null) {
      head.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    if (json != null) {
      head.append("Content-Type: application/json\r\n");
    }
    if (json != null || !method.equals("GET") && !method.equals("HEAD")) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    head.append("\r\n");
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      return parse(socket.getInputStream(), method.equals("HEAD"));
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + rawPath + ": " + e, e);
    }
  }

  private static Response parse(InputStream in, boolean head) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    String text = all.toString(StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("no complete response: " + text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    byte[] raw = all.toByteArray();
    byte[] rest = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
    String body =
        head
            ? ""
            : "chunked".equalsIgnoreCase(headers.get("transfer-encoding"))
                ? dechunk(rest)
                : new String(rest, StandardCharsets.UTF_8);
    return new Response(status, headers, body);
  }

  private static String dechunk(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < raw.length) {
      int lineEnd = i;
      while (lineEnd + 1 < raw.length && !(raw[lineEnd] == '\r' && raw[lineEnd + 1] == '\n')) {
        lineEnd++;
      }
      String size = new String(raw, i, lineEnd - i, StandardCharsets.ISO_8859_1).trim();
      int semicolon = size.indexOf(';');
      int length = Integer.parseInt(semicolon < 0 ? size : size.substring(0, semicolon), 16);
      if (length == 0) {
        break;
      }
      out.write(raw, lineEnd + 2, length);
      i = lineEnd + 2 + length + 2;
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
