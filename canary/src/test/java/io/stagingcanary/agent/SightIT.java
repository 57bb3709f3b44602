package io.stagingcanary.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.controlplane.ControlPlane;
import io.stagingcanary.controlplane.ExecResult;
import io.stagingcanary.controlplane.RealControlPlane;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentStore;
import io.stagingcanary.watch.SightProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Sight on the real control plane, default sight settings and verification interval: a frozen
 * kube-apiserver (SIGSTOP) is BLIND within the documented bound; after each of ten outages in a row
 * (the first 60 s long) the agent is HEALTHY again within one verification interval; a cluster
 * whose kube-system namespace comes back with another uid behind the same URL, its sentinels gone,
 * is one ENVIRONMENT_RESET while the agent runs.
 *
 * <p>The outages are {@code -Dcanary.it.outages=60,5,5,...} (seconds); the default is one of 60 s
 * and nine of 5 s.
 */
@RealControlPlane
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DirtiesContext
class SightIT {

  private static final String TOKEN = "sight-it-token";
  private static final Duration INTERVAL = Duration.ofSeconds(60);
  private static final Duration SLACK = Duration.ofSeconds(3);
  private static final List<Duration> OUTAGES =
      Arrays.stream(System.getProperty("canary.it.outages", "60,5,5,5,5,5,5,5,5,5").split(","))
          .map(s -> Duration.ofSeconds(Long.parseLong(s.strip())))
          .toList();

  @TempDir static Path dataDir;
  static DetectionFixtures fixtures;
  private static String previousKubeconfig;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws Exception {
    ControlPlane controlPlane = ControlPlane.shared();
    previousKubeconfig = System.getProperty(Config.KUBERNETES_KUBECONFIG_FILE);
    System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, controlPlane.kubeconfig().toString());
    fixtures =
        DetectionFixtures.write(
            dataDir, "sit", Map.of("foxtrot", List.of("f1", "f2"), "golf", List.of("g1")));
    Path tokenFile = Files.writeString(dataDir.resolve("api-tokens"), TOKEN + "\n");
    registry.add("canary.data-dir", () -> dataDir.resolve("data").toString());
    registry.add("canary.cluster-name", () -> "sight-it");
    registry.add("canary.fixtures.path", () -> fixtures.root.toString());
    registry.add("canary.fixtures.sets", () -> fixtures.set);
    registry.add("canary.api.token-file", tokenFile::toString);
    registry.add("canary.reseed.mode", () -> "manual");
    registry.add("canary.incidents.group-window", () -> "1s");
    registry.add("canary.verification.interval", () -> INTERVAL.toSeconds() + "s");
    registry.add("canary.data.enabled", () -> "false");
  }

  @AfterAll
  static void restore() {
    ControlPlane controlPlane = ControlPlane.shared();
    if (!controlPlane.isApiServerRunning()) {
      controlPlane.startApiServer();
    }
    if (previousKubeconfig == null) {
      System.clearProperty(Config.KUBERNETES_KUBECONFIG_FILE);
    } else {
      System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, previousKubeconfig);
    }
  }

  @LocalServerPort int port;
  @Autowired SightProperties sight;
  @Autowired IncidentStore store;

  @Test
  @Order(1)
  void isHealthy() {
    await().atMost(Duration.ofSeconds(60)).until(() -> state().equals("HEALTHY"));
    assertThat(status().get("present").asInt()).isEqualTo(fixtures.sentinels());
  }

  @Test
  @Order(2)
  void aFrozenApiServerIsBlindWithinTheDocumentedBound(ControlPlane controlPlane) {
    Instant frozen = Instant.now();
    controlPlane.freezeApiServer();
    Duration blindAfter;
    try {
      await("BLIND while kube-apiserver is stopped by SIGSTOP")
          .atMost(sight.blindBound().plus(SLACK))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> state().equals("BLIND"));
      blindAfter = Duration.between(frozen, Instant.now());
      assertThat(sentinels())
          .allSatisfy(s -> assertThat(s.get("state").asText()).isEqualTo("UNKNOWN"));
      await("BLIND for the rest of a 20 s freeze, nothing reported")
          .during(Duration.ofSeconds(20).minus(blindAfter))
          .atMost(Duration.ofSeconds(60))
          .until(() -> state().equals("BLIND") && incidents().isEmpty());
    } finally {
      controlPlane.thawApiServer();
    }
    assertThat(blindAfter).isLessThan(sight.blindBound().plus(SLACK));
    Instant thawed = Instant.now();
    await("sight returns").atMost(INTERVAL).until(() -> state().equals("HEALTHY"));
    assertThat(Duration.between(thawed, Instant.now())).isLessThan(INTERVAL);
    assertThat(incidents()).as("a freeze is not a loss").isEmpty();
  }

  @Test
  @Order(3)
  void healthyWithinOneVerificationIntervalAfterEveryOutage(ControlPlane controlPlane) {
    List<Duration> returns = new ArrayList<>();
    for (Duration outage : OUTAGES) {
      Instant stopped = Instant.now();
      controlPlane.stopApiServer();
      try {
        await("BLIND").atMost(sight.blindBound().plus(SLACK)).until(() -> state().equals("BLIND"));
        Duration rest = outage.minus(Duration.between(stopped, Instant.now()));
        if (!rest.isNegative()) {
          sleep(rest);
        }
      } finally {
        controlPlane.startApiServer();
      }
      Instant back = Instant.now();
      await("HEALTHY after an outage of " + outage)
          .atMost(INTERVAL)
          .pollInterval(Duration.ofMillis(250))
          .until(() -> state().equals("HEALTHY"));
      returns.add(Duration.between(back, Instant.now()));
    }
    System.err.println("[sight-it] sight returned after " + returns);
    assertThat(returns).hasSize(OUTAGES.size()).allSatisfy(d -> assertThat(d).isLessThan(INTERVAL));
    assertThat(incidents()).as("outages report nothing").isEmpty();
  }

  @Test
  @Order(4)
  void aClusterRebuiltBehindTheSameUrlIsOneEnvironmentReset(
      ControlPlane controlPlane, KubernetesClient admin) {
    String before = status().get("clusterId").asText();
    assertThat(before)
        .isEqualTo(admin.namespaces().withName("kube-system").get().getMetadata().getUid());
    controlPlane.stopApiServer();
    try {
      // A rebuilt cluster: a new kube-system (the API server creates it again, with a new uid) and
      // none of the sentinels.
      etcdDelete(controlPlane, "/registry/namespaces/kube-system");
      for (String tenant : fixtures.tenants()) {
        String ns = fixtures.namespace(tenant);
        etcdDelete(controlPlane, "/registry/namespaces/" + ns);
        etcdDelete(controlPlane, "--prefix", "/registry/configmaps/" + ns + "/");
        etcdDelete(controlPlane, "--prefix", "/registry/secrets/" + ns + "/");
      }
    } finally {
      controlPlane.startApiServer();
    }
    await("kube-system is back")
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> admin.namespaces().withName("kube-system").get() != null);
    String after = admin.namespaces().withName("kube-system").get().getMetadata().getUid();
    assertThat(after).isNotEqualTo(before);

    await("the agent follows the rebuilt cluster")
        .atMost(INTERVAL.plusSeconds(30))
        .until(() -> status().get("clusterId").asText().equals(after));
    await("seeded afresh").atMost(Duration.ofSeconds(60)).until(() -> state().equals("HEALTHY"));
    List<JsonNode> incidents = incidents();
    assertThat(incidents)
        .extracting(i -> i.get("type").asText())
        .containsExactly(Incident.Type.ENVIRONMENT_RESET.name());
    assertThat(store.list(before, 100))
        .as("no loss recorded on the previous cluster")
        .extracting(Incident::type)
        .doesNotContain(Incident.Type.SENTINEL_LOSS);
  }

  private static void etcdDelete(ControlPlane controlPlane, String... args) {
    List<String> command = new ArrayList<>(List.of("del"));
    command.addAll(List.of(args));
    ExecResult result = controlPlane.etcdctl(command.toArray(String[]::new));
    assertThat(result.exitCode()).as(result.toString()).isZero();
  }

  private AgentHttp http() {
    return new AgentHttp(port);
  }

  private JsonNode status() {
    return http().get("/api/v1/status").json();
  }

  private String state() {
    return status().get("state").asText();
  }

  private List<JsonNode> incidents() {
    return StreamSupport.stream(http().get("/api/v1/incidents").json().spliterator(), false)
        .toList();
  }

  private List<JsonNode> sentinels() {
    return StreamSupport.stream(http().get("/api/v1/sentinels").json().spliterator(), false)
        .toList();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
