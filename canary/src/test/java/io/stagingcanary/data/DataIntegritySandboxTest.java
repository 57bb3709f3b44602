package io.stagingcanary.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.seeding.GuardedMutations;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole agent on the sandbox with data checks on. A stand-in kubelet runs each data Job's
 * script with the local shell against a directory per claim and reports its exit through the Pod
 * status: content is written after seeding, checked on demand, a corrupted byte makes the PVC
 * DEGRADED (reason data) with an incident, and a checker that never runs is UNKNOWN, not a loss.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sandbox")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DataIntegritySandboxTest {

  @TempDir static Path dataDir;
  @TempDir static Path volumes;

  static final Set<String> handled = ConcurrentHashMap.newKeySet();
  static volatile boolean kubeletRunning = true;
  static ScheduledExecutorService kubelet;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("canary.data-dir", () -> dataDir.toString());
    registry.add("canary.sandbox.port", () -> "0");
    registry.add("canary.fixtures.path", () -> "../fixtures");
    registry.add("canary.reseed.mode", () -> "manual");
    registry.add("canary.incidents.group-window", () -> "500ms");
    registry.add("canary.data.enabled", () -> "true");
    registry.add("canary.data.size", () -> "64KB");
    registry.add("canary.data.job-timeout", () -> "3s");
    registry.add("canary.data.poll-interval", () -> "50ms");
    registry.add("canary.data.check-interval", () -> "1h");
  }

  @LocalServerPort int port;
  @Autowired KubernetesClient client;

  @BeforeAll
  static void startKubelet() {
    kubelet = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterAll
  static void stopKubelet() {
    kubelet.shutdownNow();
  }

  /** Runs every new data Job once, if the stand-in kubelet is running. */
  void runJobs() {
    if (!kubeletRunning) {
      return;
    }
    for (Job job :
        client
            .batch()
            .v1()
            .jobs()
            .inAnyNamespace()
            .withLabel(GuardedMutations.OWNED_BY, GuardedMutations.OWNED_BY_VALUE)
            .list()
            .getItems()) {
      if (!handled.add(job.getMetadata().getUid())) {
        continue;
      }
      try {
        Path claim =
            volumes
                .resolve(job.getMetadata().getNamespace())
                .resolve(job.getMetadata().getAnnotations().get("stagingcanary.io/claim"));
        Files.createDirectories(claim);
        LocalContainer.Exit exit = LocalContainer.run(job, claim);
        Pod pod =
            new PodBuilder()
                .withNewMetadata()
                .withName(job.getMetadata().getName() + "-pod")
                .withNamespace(job.getMetadata().getNamespace())
                .addToLabels("job-name", job.getMetadata().getName())
                .endMetadata()
                .withSpec(job.getSpec().getTemplate().getSpec())
                .withStatus(
                    new PodStatusBuilder()
                        .withPhase(exit.code() == 0 ? "Succeeded" : "Failed")
                        .withContainerStatuses(
                            new ContainerStatusBuilder()
                                .withName("data")
                                .withNewState()
                                .withNewTerminated()
                                .withExitCode(exit.code())
                                .withMessage(exit.message())
                                .endTerminated()
                                .endState()
                                .build())
                        .build())
                .build();
        client.pods().resource(pod).create();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  @Order(1)
  void contentIsWrittenIntoEveryClaimAndChecksOk() throws Exception {
    kubelet.scheduleWithFixedDelay(this::runJobsQuietly, 0, 50, TimeUnit.MILLISECONDS);

    JsonNode verified = post("/api/v1/verifications?data=true");
    List<JsonNode> claims = claims(verified);
    assertThat(claims).hasSize(6);
    assertThat(claims)
        .allSatisfy(c -> assertThat(c.get("writeState").asText()).isEqualTo("WRITTEN"));
    assertThat(claims).allSatisfy(c -> assertThat(c.get("state").asText()).isEqualTo("OK"));
    assertThat(claims).allSatisfy(c -> assertThat(c.get("sizeBytes").asLong()).isEqualTo(65536));
    assertThat(verified.get("verification").get("state").asText()).isEqualTo("HEALTHY");
    assertThat(verified.get("snapshots").get("enabled").asBoolean()).isFalse();
    assertThat(verified.get("snapshots").get("reason").asText())
        .contains("snapshot.storage.k8s.io/v1");
    assertThat(Files.size(volumes.resolve("canary-acme/canary-data/.staging-canary/content")))
        .isEqualTo(65536);
  }

  @Test
  @Order(2)
  void aCorruptedByteDegradesThePvcWithReasonDataAndOpensAnIncident() throws Exception {
    Path content = volumes.resolve("canary-acme/canary-data/.staging-canary/content");
    byte[] bytes = Files.readAllBytes(content);
    bytes[4242] ^= 1;
    Files.write(content, bytes);

    JsonNode verified = post("/api/v1/verifications?data=true");

    JsonNode acme = claim(claims(verified), "canary-acme");
    assertThat(acme.get("state").asText()).isEqualTo("MISMATCH");
    assertThat(acme.get("detail").asText()).startsWith("data: content sha256");
    assertThat(claims(verified))
        .filteredOn(c -> !c.get("namespace").asText().equals("canary-acme"))
        .allSatisfy(c -> assertThat(c.get("state").asText()).isEqualTo("OK"));
    assertThat(verified.get("verification").get("state").asText()).isEqualTo("LOSS");
    JsonNode degraded = get("/api/v1/sentinels?state=DEGRADED");
    assertThat(degraded).hasSize(1);
    assertThat(degraded.get(0).get("kind").asText()).isEqualTo("PersistentVolumeClaim");
    assertThat(degraded.get(0).get("namespace").asText()).isEqualTo("canary-acme");
    assertThat(degraded.get(0).get("detail").asText()).contains("data: content sha256");
    await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/v1/incidents").size() == 1);
    JsonNode item = get("/api/v1/incidents").get(0).get("items").get(0);
    assertThat(item.get("status").asText()).isEqualTo("DEGRADED");
    assertThat(item.get("key").get("kind").asText()).isEqualTo("PersistentVolumeClaim");
  }

  @Test
  @Order(3)
  void aCheckerThatNeverRunsIsUnknownWithTheReasonAndNeverALoss() throws Exception {
    kubeletRunning = false;

    JsonNode verified = post("/api/v1/verifications?data=true");

    JsonNode globex = claim(claims(verified), "canary-globex");
    assertThat(globex.get("state").asText()).isEqualTo("UNKNOWN");
    assertThat(globex.get("detail").asText())
        .startsWith("checker could not run: Pending past PT3S");
    assertThat(claim(claims(verified), "canary-acme").get("state").asText())
        .as("a check that could not run does not clear a recorded loss")
        .isEqualTo("MISMATCH");
    assertThat(get("/api/v1/sentinels?state=DEGRADED")).hasSize(1);
    assertThat(get("/api/v1/incidents")).hasSize(1);
    assertThat(
            client
                .batch()
                .v1()
                .jobs()
                .inAnyNamespace()
                .withLabel(GuardedMutations.OWNED_BY, GuardedMutations.OWNED_BY_VALUE)
                .list()
                .getItems())
        .as("the Jobs that never ran were deleted")
        .isEmpty();
  }

  private void runJobsQuietly() {
    try {
      runJobs();
    } catch (RuntimeException e) {
      // The next tick retries.
    }
  }

  private static List<JsonNode> claims(JsonNode answer) {
    return StreamSupport.stream(answer.get("claims").spliterator(), false).toList();
  }

  private static JsonNode claim(List<JsonNode> claims, String namespace) {
    return claims.stream()
        .filter(c -> c.get("namespace").asText().equals(namespace))
        .findFirst()
        .orElseThrow();
  }

  private JsonNode get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).GET().build());
  }

  private JsonNode post(String path) throws Exception {
    String token = Files.readString(dataDir.resolve("api-token")).strip();
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static JsonNode send(HttpRequest request) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new ObjectMapper().readTree(response.body());
  }
}
