package io.stagingcanary.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Alertmanager (Debian package prometheus-alertmanager) on a free port with a minimal
 * configuration and its own storage. Aborts the test when the binary is absent, unless {@code
 * CANARY_CONTROL_PLANE_REQUIRED=true}: then it fails.
 */
public final class RealAlertmanager implements AutoCloseable {

  private final Process process;
  private final String url;
  private final HttpClient http = HttpClient.newHttpClient();

  private RealAlertmanager(Process process, String url) {
    this.process = process;
    this.url = url;
  }

  static Optional<Path> binary() {
    return Stream.of("prometheus-alertmanager", "alertmanager")
        .flatMap(
            name ->
                Stream.concat(
                        Stream.of("/usr/bin", "/usr/local/bin"),
                        Stream.of(System.getenv().getOrDefault("PATH", "").split(":")))
                    .filter(dir -> !dir.isBlank())
                    .map(dir -> Path.of(dir, name)))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** Starts one in {@code directory} and waits until it is ready. */
  public static RealAlertmanager start(Path directory) throws IOException {
    return start(
        directory,
        """
        route:
          receiver: blackhole
          group_wait: 1s
        receivers:
          - name: blackhole
        """);
  }

  /** Starts one with this configuration in {@code directory} and waits until it is ready. */
  public static RealAlertmanager start(Path directory, String configuration) throws IOException {
    Optional<Path> binary = binary();
    if (binary.isEmpty()) {
      if ("true".equals(System.getenv("CANARY_CONTROL_PLANE_REQUIRED"))) {
        throw new IllegalStateException(
            "alertmanager binary not found (install the prometheus-alertmanager package)");
      }
      Assumptions.abort("alertmanager binary not found");
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Files.createDirectories(directory);
    Path config = directory.resolve("alertmanager.yml");
    Files.writeString(config, configuration);
    Process process =
        new ProcessBuilder(
                binary.get().toString(),
                "--config.file=" + config,
                "--storage.path=" + directory.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=")
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve("alertmanager.log").toFile())
            .start();
    RealAlertmanager alertmanager = new RealAlertmanager(process, "http://127.0.0.1:" + port);
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> alertmanager.get("/-/ready").statusCode() == 200);
    return alertmanager;
  }

  public String url() {
    return url;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@code POST /api/v2/alerts}, as Prometheus posts its rule alerts. */
  public void post(String alertsJson) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "/api/v2/alerts"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(alertsJson))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("Alertmanager refused: " + response.body());
    }
  }

  /** {@code GET /api/v2/alerts}: the active alerts. */
  public JsonNode alerts() throws IOException, InterruptedException {
    return AlertCodec.read(get("/api/v2/alerts").body());
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
