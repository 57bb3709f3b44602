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
   * Starts the agent. With {@code externalKubeconfig} it runs on its default profile against the
   * cluster of that kubeconfig (a sandbox in another JVM); without, on the {@code sandbox} profile,
   * which hosts the API server in the agent's own JVM on {@code sandboxPort}.
   */
  static AgentProcess start(
      Path jar,
      List<String> jvmArgs,
      Path workDir,
      Path fixturesRoot,
      int httpPort,
      int sandboxPort,
      Path externalKubeconfig,
      String reseedMode)
      throws IOException {
    Path dataDir = workDir.resolve("data");
    Path log = workDir.resolve("agent.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-jar");
    command.add(jar.toAbsolutePath().toString());
    String token = null;
    if (externalKubeconfig == null) {
      command.add("--spring.profiles.active=sandbox");
      command.add("--canary.sandbox.host=127.0.0.1");
      command.add("--canary.sandbox.port=" + sandboxPort);
    } else {
      token = java.util.UUID.randomUUID().toString();
    }
    command.add("--canary.fixtures.path=" + fixturesRoot.toAbsolutePath());
    command.add("--canary.fixtures.sets=" + BenchFixtures.SET);
    command.add("--canary.data-dir=" + dataDir.toAbsolutePath());
    command.add("--server.address=127.0.0.1");
    command.add("--server.port=" + httpPort);
    command.add("--canary.incidents.group-window=0s");
    command.add("--canary.reseed.mode=" + reseedMode);
    command.add("--management.endpoints.web.exposure.include=health,info,prometheus,metrics");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    if (externalKubeconfig != null) {
      builder.environment().put("KUBECONFIG", externalKubeconfig.toAbsolutePath().toString());
      builder.environment().put("CANARY_API_TOKEN", token);
    }
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

  /** POST with the sandbox's generated API token. */
  JsonNode post(String path) throws IOException, InterruptedException {
    String bearer = token != null ? token : Files.readString(dataDir.resolve("api-token")).trim();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + bearer)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "POST " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + httpPort + path);
  }

  @Override
  public void close() {
    Processes.stop(process);
  }
}
