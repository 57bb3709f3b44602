package io.stagingcanary.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The packaged agent running as its own JVM on loopback, and its HTTP API. */
final class AgentProcess implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path log;
  private final Path dataDir;
  private final int httpPort;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private AgentProcess(Process process, Path log, Path dataDir, int httpPort, String token) {
    this.process = process;
    this.log = log;
    this.dataDir = dataDir;
    this.httpPort = httpPort;
    this.token = token;
  }

  /**
   * Starts the agent on its default profile against the cluster of {@code kubeconfig}, with the
   * benchmark's fixtures, loopback HTTP on {@code httpPort}, a generated API token, and {@code
   * extraArgs} (Spring Boot {@code --name=value} arguments). Its output goes to {@code logName} in
   * {@code workDir}, with {@code env} added to its environment; the data directory (the H2 ledger)
   * is {@code workDir/data}, so a second start with the same directory finds its ledger and
   * sentinels.
   */
  static AgentProcess start(
      Path jar,
      List<String> jvmArgs,
      Map<String, String> env,
      Path workDir,
      Path fixturesRoot,
      int httpPort,
      Path kubeconfig,
      List<String> extraArgs,
      String logName)
      throws IOException {
    Path dataDir = workDir.resolve("data");
    Path log = workDir.resolve(logName);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-jar");
    command.add(jar.toAbsolutePath().toString());
    String token = java.util.UUID.randomUUID().toString();
    command.add("--canary.fixtures.path=" + fixturesRoot.toAbsolutePath());
    command.add("--canary.fixtures.sets=" + BenchFixtures.SET);
    command.add("--canary.data-dir=" + dataDir.toAbsolutePath());
    command.add("--server.address=127.0.0.1");
    command.add("--server.port=" + httpPort);
    command.add("--management.endpoints.web.exposure.include=health,info,prometheus,metrics");
    command.addAll(extraArgs);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("KUBECONFIG", kubeconfig.toAbsolutePath().toString());
    builder.environment().put("CANARY_API_TOKEN", token);
    // The options under test are given explicitly; none may leak in from this environment.
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    BenchSettings.MEMORY_ENV.forEach(builder.environment()::remove);
    builder.environment().putAll(env);
    return new AgentProcess(builder.start(), log, dataDir, httpPort, token);
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path dataDir() {
    return dataDir;
  }

  String logText() throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  String logTail(int lines) throws IOException {
    List<String> all = logText().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** GET on the agent; empty when it does not answer 200 (yet). */
  Optional<JsonNode> get(String path) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          ? Optional.of(JSON.readTree(response.body()))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A page's status and body (HTML), read as a browser would; no token (protect-reads is off). */
  HttpResponse<String> page(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(30))
            .header("Accept", "text/html")
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** POST without a body, with the agent's API token; fails unless it answers 200. */
  JsonNode post(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = send(path, null);
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "POST " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** POST of a JSON body with the agent's API token; any status is returned. */
  HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
    return send(path, json);
  }

  private HttpResponse<String> send(String path, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofMinutes(5))
            .header("Authorization", "Bearer " + token);
    if (json == null) {
      request.POST(HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json");
      request.POST(HttpRequest.BodyPublishers.ofString(json));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + httpPort + path);
  }

  @Override
  public void close() {
    Processes.stop(process);
  }
}
