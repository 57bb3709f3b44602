package io.stagingcanary.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.runs.RunService;
import io.stagingcanary.runs.RunStore;
import io.stagingcanary.runs.ToolRun;
import io.stagingcanary.seeding.SeedingState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A run nobody completes (the CI job was killed before {@code gate complete}, or the agent that
 * began it restarted) is expired after {@code canary.runs.max-duration}: stored with an ERROR
 * verdict and the reason, and re-seeding, held back while it ran, resumes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sandbox")
class RunExpiryTest {

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("canary.data-dir", () -> dataDir.toString());
    registry.add("canary.sandbox.port", () -> "0");
    registry.add("canary.fixtures.path", () -> "../fixtures");
    registry.add("canary.incidents.group-window", () -> "1s");
    registry.add("canary.runs.max-duration", () -> "8s");
  }

  @LocalServerPort int port;
  @Autowired KubernetesClient client;
  @Autowired RunService runs;
  @Autowired RunStore store;
  @Autowired SeedingState seeding;

  AgentHttp http() {
    return new AgentHttp(port);
  }

  void awaitHealthy() {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http().get("/api/v1/status").json().get("state").asText().equals("HEALTHY"));
  }

  @Test
  void aRunNobodyCompletesIsExpiredWithAnErrorAndReleasesTheReseedHold() throws Exception {
    awaitHealthy();
    String token = Files.readString(dataDir.resolve("api-token")).strip();
    var begun =
        http().postJson("/api/v1/runs", "{\"tool\":\"report-only\",\"version\":\"1\"}", token);
    assertThat(begun.status()).as(begun.body()).isEqualTo(201);
    String id = begun.json().get("id").asText();
    assertThat(runs.reason()).as("the run holds re-seeding back").isPresent();
    String settingsUid =
        client
            .configMaps()
            .inNamespace("canary-umbrella")
            .withName("canary-settings")
            .get()
            .getMetadata()
            .getUid();
    client.configMaps().inNamespace("canary-umbrella").withName("canary-settings").delete();

    await()
        .atMost(Duration.ofSeconds(40))
        .until(
            () -> http().get("/api/v1/runs/" + id).json().get("status").asText(),
            "COMPLETED"::equals);

    var expired = http().get("/api/v1/runs/" + id).json();
    assertThat(expired.get("verdict").asText()).isEqualTo("ERROR");
    assertThat(expired.get("reason").asText())
        .startsWith("expired: nobody completed the run within canary.runs.max-duration (8s)");
    assertThat(http().get("/api/v1/runs/" + id + "/report?format=junit").body())
        .contains("<error message=\"expired: nobody completed the run");
    assertThat(runs.reason()).isEmpty();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              var live =
                  client
                      .configMaps()
                      .inNamespace("canary-umbrella")
                      .withName("canary-settings")
                      .get();
              return live != null && !live.getMetadata().getUid().equals(settingsUid);
            });
    var late = http().postJson("/api/v1/runs/" + id + "/complete", "{\"exitCode\":0}", token);
    assertThat(late.json().get("verdict").asText())
        .as("a late complete gets the stored verdict")
        .isEqualTo("ERROR");
    awaitHealthy();
  }

  @Test
  void aRunLeftRunningByAnEarlierAgentIsExpiredToo() {
    awaitHealthy();
    String clusterId = seeding.cluster().orElseThrow().id();
    Instant anHourAgo = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MICROS);
    store.insert(
        ToolRun.builder()
            .id("orphan-1")
            .clusterId(clusterId)
            .tool("report-only", "0.9")
            .source(ToolRun.Source.API)
            .startedAt(anHourAgo)
            .baselineJson("{}")
            .build());

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> store.find("orphan-1").orElseThrow().completed());

    ToolRun orphan = store.find("orphan-1").orElseThrow();
    assertThat(orphan.verdict()).isEqualTo(ToolRun.Verdict.ERROR);
    assertThat(orphan.text()).contains("Could not judge: expired: nobody completed the run");
  }
}
