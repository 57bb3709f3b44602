package io.stagingcanary.gate;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JDK-only client of the agent's runs API ({@code /api/v1/runs}): begin, complete, report.
 * Reusable by any command of the jar; it never boots Spring. No message it produces contains the
 * token.
 */
public final class RunsClient {

  private final URI server;
  private final String token;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * @param server base URL of the agent, e.g. {@code http://canary:8080}
   * @param token the API bearer token, or null
   * @param timeout the longest one request may take (complete waits for the settle period)
   */
  public RunsClient(URI server, String token, Duration timeout) {
    this.server = URI.create(server.toString().replaceAll("/+$", "") + "/");
    this.token = token;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** Why a call failed. */
  public enum Problem {
    /** The server's host name does not resolve. */
    UNKNOWN_HOST,
    /** Connection refused, no route, timeout. */
    UNREACHABLE,
    /** 401 or 403. */
    AUTH,
    /** 409 on begin: the baseline is not healthy. */
    PREFLIGHT,
    /** Any other non-2xx answer or an unreadable one. */
    HTTP
  }

  /** A failed call, with the server's detail when it gave one. */
  public static final class RunsException extends Exception {
    private static final long serialVersionUID = 1L;
    private final Problem problem;
    private final int status;
    private final transient Object body;

    RunsException(Problem problem, int status, String message, Object body) {
      super(message);
      this.problem = problem;
      this.status = status;
      this.body = body;
    }

    public Problem problem() {
      return problem;
    }

    public int status() {
      return status;
    }

    /** The parsed problem body, or null. */
    public Object body() {
      return body;
    }
  }

  /** A started run: its id and the server's answer. */
  public record Begun(String id, Map<String, Object> run) {}

  /**
   * What to start.
   *
   * @param identity the Kubernetes username the tool acts as; null when not said
   */
  public record BeginRequest(
      String tool,
      String version,
      String commit,
      String pipelineUrl,
      String policy,
      boolean allowUnhealthyBaseline,
      String identity) {

    /** A run that does not say who the tool acts as. */
    public BeginRequest(
        String tool,
        String version,
        String commit,
        String pipelineUrl,
        String policy,
        boolean allowUnhealthyBaseline) {
      this(tool, version, commit, pipelineUrl, policy, allowUnhealthyBaseline, null);
    }
  }

  /** Resolves the server's host name, so an unknown host is named before any run is opened. */
  public void resolve() throws RunsException {
    String host = server.getHost();
    if (host == null || host.isBlank()) {
      throw new RunsException(Problem.UNKNOWN_HOST, 0, "no host in " + server, null);
    }
    try {
      InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new RunsException(
          Problem.UNKNOWN_HOST, 0, "unknown host '" + host + "' (from " + server + ")", null);
    }
  }

  public Begun begin(BeginRequest request) throws RunsException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("tool", request.tool());
    body.put("version", request.version());
    body.put("commit", request.commit());
    body.put("pipelineUrl", request.pipelineUrl());
    body.put("policy", request.policy());
    body.put("allowUnhealthyBaseline", request.allowUnhealthyBaseline());
    if (request.identity() != null) {
      body.put("identity", request.identity());
    }
    Map<String, Object> run = object(send("POST", "api/v1/runs", MiniJson.write(body)));
    return new Begun(String.valueOf(run.get("id")), run);
  }

  /** Completes a run; returns the stored result (verdict, violations, text, diff). */
  public Map<String, Object> complete(String runId, Integer exitCode, Duration settle)
      throws RunsException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("exitCode", exitCode);
    body.put("settle", settle == null ? null : settle.toMillis() + "ms");
    return object(
        send("POST", "api/v1/runs/" + segment(runId) + "/complete", MiniJson.write(body)));
  }

  /** A report: {@code json}, {@code markdown}, {@code text} or {@code junit}. */
  public String report(String runId, String format) throws RunsException {
    return send("GET", "api/v1/runs/" + segment(runId) + "/report?format=" + format, null);
  }

  private static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private Map<String, Object> object(String body) throws RunsException {
    try {
      if (MiniJson.parse(body) instanceof Map<?, ?> map) {
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) map;
        return result;
      }
    } catch (IllegalArgumentException e) {
      throw new RunsException(Problem.HTTP, 200, "unreadable answer: " + e.getMessage(), null);
    }
    throw new RunsException(Problem.HTTP, 200, "the answer is not a JSON object", null);
  }

  private String send(String method, String path, String json) throws RunsException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.resolve(path)).timeout(timeout).header("Accept", "*/*");
    if (token != null && !token.isBlank()) {
      try {
        request.header("Authorization", "Bearer " + token.strip());
      } catch (IllegalArgumentException e) {
        // The JDK's message quotes the header value: never show it.
        throw new RunsException(
            Problem.AUTH, 0, "the API token has characters an HTTP header cannot carry", null);
      }
    }
    if (json == null) {
      request.GET();
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    }
    HttpResponse<String> response;
    try {
      response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new RunsException(
          Problem.UNREACHABLE, 0, "no answer from " + server + " within " + timeout, null);
    } catch (IOException e) {
      if (unresolved(e)) {
        throw new RunsException(
            Problem.UNKNOWN_HOST, 0, "unknown host '" + server.getHost() + "'", null);
      }
      throw new RunsException(
          Problem.UNREACHABLE, 0, "cannot connect to " + server + ": " + redact(message(e)), null);
    } catch (IllegalArgumentException e) {
      throw new RunsException(
          Problem.HTTP, 0, "cannot send the request: " + redact(message(e)), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunsException(Problem.UNREACHABLE, 0, "interrupted", null);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return response.body();
    }
    Object problem = null;
    String detail = response.body();
    try {
      problem = MiniJson.parse(response.body());
      if (problem instanceof Map<?, ?> map && map.get("detail") != null) {
        detail = String.valueOf(map.get("detail"));
      }
    } catch (IllegalArgumentException e) {
      // not JSON: keep the raw body
    }
    Problem kind =
        status == 401 || status == 403
            ? Problem.AUTH
            : status == 409 && path.equals("api/v1/runs") ? Problem.PREFLIGHT : Problem.HTTP;
    throw new RunsException(
        kind,
        status,
        method + " /" + path + ": HTTP " + status + ": " + redact(oneLine(detail)),
        problem);
  }

  /** The message with the token, if it appears, replaced. */
  String redact(String message) {
    if (message == null || token == null || token.isBlank()) {
      return message;
    }
    return message.replace(token.strip(), "[token]");
  }

  private static String oneLine(String text) {
    String line = text == null ? "" : text.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    return line.length() > 500 ? line.substring(0, 500) + "..." : line;
  }

  private static boolean unresolved(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return true;
      }
    }
    return false;
  }

  /** The innermost message: the JDK wraps "Connection refused" in message-less exceptions. */
  private static String message(Throwable e) {
    String message = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
      }
    }
    if (message != null) {
      return message;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.NoRouteToHostException) {
        return "no route to host";
      }
      if (t instanceof java.net.ConnectException) {
        return "connection refused";
      }
    }
    return e.getClass().getSimpleName();
  }

  /** The list of maps under a key, or an empty list. */
  static List<?> list(Map<String, Object> map, String key) {
    return map.get(key) instanceof List<?> l ? l : List.of();
  }
}
