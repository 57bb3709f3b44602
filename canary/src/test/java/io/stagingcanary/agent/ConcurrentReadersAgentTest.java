package io.stagingcanary.agent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * 200 concurrent readers of {@code /api/v1/incidents} and {@code /api/v1/sentinels} for 60 s
 * (system property {@code canary.test.readers-seconds}) while a tenant namespace is deleted: the
 * loss is exactly one incident, sealed, paged once per channel within the group window + 5 s, and
 * the API answers no 5xx. On the embedded H2 ledger; {@link PostgresConcurrentReadersAgentTest}
 * runs it on PostgreSQL.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sandbox")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ConcurrentReadersAgentTest {

  static final int READERS = 200;
  static final Duration READING =
      Duration.ofSeconds(Long.getLong("canary.test.readers-seconds", 60));
  static final Duration GROUP_WINDOW = Duration.ofSeconds(2);
  static final Duration PAUSE = Duration.ofMillis(25);
  static final ObjectMapper JSON = new ObjectMapper();

  /** The body only of a 5xx (to report it); others are discarded, so reading costs the agent. */
  static final HttpResponse.BodyHandler<String> STATUS_ONLY =
      info ->
          info.statusCode() >= 500
              ? HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8)
              : HttpResponse.BodySubscribers.replacing("");

  static final WireMockServer RECEIVER = new WireMockServer(options().dynamicPort());
  @TempDir static Path dataDir;

  static {
    RECEIVER.start();
    RECEIVER.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(204)));
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("canary.data-dir", () -> dataDir.toString());
    registry.add("canary.sandbox.port", () -> "0");
    registry.add("canary.fixtures.path", () -> "../fixtures");
    registry.add("canary.reseed.mode", () -> "manual");
    registry.add("canary.incidents.group-window", () -> GROUP_WINDOW.toMillis() + "ms");
    registry.add("canary.alerts.webhooks[0].name", () -> "oncall-hook");
    registry.add("canary.alerts.webhooks[0].url", () -> RECEIVER.baseUrl() + "/hook");
    registry.add("canary.alerts.delivery.poll-interval", () -> "100ms");
  }

  @AfterAll
  static void stopReceiver() {
    RECEIVER.resetRequests();
  }

  @LocalServerPort int port;
  @Autowired KubernetesClient client;

  AgentHttp http() {
    return new AgentHttp(port);
  }

  List<LoggedRequest> firing() {
    return RECEIVER.findAll(postRequestedFor(urlEqualTo("/hook"))).stream()
        .filter(r -> read(r.getBodyAsString()).path("status").asText().equals("firing"))
        .toList();
  }

  @Test
  void readersUnderLoadDisturbNeitherTheRecordNorThePage() throws Exception {
    RECEIVER.resetRequests();
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger serverErrors = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    Queue<String> problems = new ConcurrentLinkedQueue<>();
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    Instant started = Instant.now();
    Instant end = started.plus(READING);
    ExecutorService readers = Executors.newFixedThreadPool(READERS);
    for (int i = 0; i < READERS; i++) {
      String path = i % 2 == 0 ? "/api/v1/incidents" : "/api/v1/sentinels";
      readers.execute(
          () -> {
            HttpRequest request =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(60))
                    .GET()
                    .build();
            while (Instant.now().isBefore(end)) {
              try {
                HttpResponse<String> response = http.send(request, STATUS_ONLY);
                if (response.statusCode() >= 500) {
                  serverErrors.incrementAndGet();
                  problems.add(path + " " + response.statusCode() + " " + response.body());
                } else {
                  answered.incrementAndGet();
                }
                Thread.sleep(PAUSE.toMillis());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              } catch (Exception e) {
                failures.incrementAndGet();
                problems.add(path + " " + e);
              }
            }
          });
    }
    readers.shutdown();

    // the readers are at it; then a tenant is deleted
    await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6)).until(() -> true);
    Instant deletedAt = Instant.now();
    client.namespaces().withName("canary-initech").delete();

    await().atMost(READING).until(() -> !firing().isEmpty());
    Instant paged = firing().get(0).getLoggedDate().toInstant();
    System.out.printf(
        "%s: paged %d ms after the deletion%n",
        getClass().getSimpleName(), Duration.between(deletedAt, paged).toMillis());
    assertThat(Duration.between(deletedAt, paged))
        .as("paged within the group window + 5 s")
        .isLessThanOrEqualTo(GROUP_WINDOW.plusSeconds(5));

    assertThat(readers.awaitTermination(READING.plusMinutes(2).toSeconds(), TimeUnit.SECONDS))
        .isTrue();
    assertThat(Duration.between(started, Instant.now())).isGreaterThanOrEqualTo(READING);
    System.out.printf(
        "%s: %d reads answered by %d readers in %d s%n",
        getClass().getSimpleName(), answered.get(), READERS, READING.toSeconds());
    assertThat(problems).as("no 5xx, no failed request").isEmpty();
    assertThat(serverErrors.get()).isZero();
    assertThat(failures.get()).isZero();
    assertThat(answered.get()).isGreaterThan(READERS);

    JsonNode incidents = http().get("/api/v1/incidents").json();
    assertThat(incidents).as("exactly one incident").hasSize(1);
    JsonNode incident = incidents.get(0);
    assertThat(incident.hasNonNull("sealedAt")).as("sealed").isTrue();
    assertThat(StreamSupport.stream(incident.get("items").spliterator(), false))
        .extracting(i -> i.get("key").get("kind").asText())
        .contains("Namespace", "ConfigMap", "Secret");
    assertThat(firing()).as("one firing message to the webhook").hasSize(1);
    JsonNode delivered = http().get("/api/v1/alerts?state=delivered").json();
    assertThat(StreamSupport.stream(delivered.spliterator(), false))
        .as("one firing message per channel")
        .extracting(a -> a.path("channel").asText())
        .containsExactlyInAnyOrder("oncall-hook", "log");
  }

  static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(json, e);
    }
  }
}
