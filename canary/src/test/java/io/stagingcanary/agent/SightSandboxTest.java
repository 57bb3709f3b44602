package io.stagingcanary.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentStore;
import io.stagingcanary.sandbox.FaultyApiServer;
import io.stagingcanary.watch.SightProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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
 * Sight on the sandbox's API server behind a faulty proxy (one agent for the class, default sight
 * settings): a frozen API server is BLIND within the documented bound; a loss during an outage is
 * found after it with the blind interval; sight returns within one verification interval after
 * every outage and does not flap after a lifted 403; an expected loss still there when its window
 * ends pages then, once; a cluster replaced behind the same URL is one environment reset.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DirtiesContext
class SightSandboxTest {

  private static final String TOKEN = "sight-test-token";
  private static final Duration INTERVAL = Duration.ofSeconds(20);
  private static final Duration OUTAGE = Duration.ofSeconds(8);
  private static final int OUTAGES = 5;
  private static final Duration SHORT_OUTAGE = Duration.ofSeconds(3);
  private static final Duration SLACK = Duration.ofSeconds(2);

  @TempDir static Path dir;
  static DetectionFixtures fixtures;
  static FaultyApiServer api;
  private static String previousKubeconfig;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws Exception {
    api =
        FaultyApiServer.start(
            List.of(
                new KindSpec("v1", "Namespace", "namespaces", false),
                new KindSpec("v1", "ConfigMap", "configmaps", true),
                new KindSpec("v1", "Secret", "secrets", true)));
    Path kubeconfig = api.writeKubeconfig(dir.resolve("kubeconfig"));
    previousKubeconfig = System.getProperty(Config.KUBERNETES_KUBECONFIG_FILE);
    System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, kubeconfig.toString());
    fixtures =
        DetectionFixtures.write(
            dir,
            "sight",
            Map.of(
                "alpha", List.of("outage", "stays"),
                "bravo", List.of("muted"),
                "charlie", List.of("c1", "c2"),
                "delta", List.of("d1", "d2")));
    Path tokens = Files.writeString(dir.resolve("api-tokens"), TOKEN + "\n");
    registry.add("canary.data-dir", () -> dir.resolve("data").toString());
    registry.add("canary.cluster-name", () -> "sight-test");
    registry.add("canary.fixtures.path", () -> fixtures.root.toString());
    registry.add("canary.fixtures.sets", () -> fixtures.set);
    registry.add("canary.api.token-file", tokens::toString);
    registry.add("canary.reseed.mode", () -> "manual");
    registry.add("canary.incidents.group-window", () -> "1s");
    registry.add("canary.verification.interval", () -> INTERVAL.toSeconds() + "s");
    registry.add("canary.data.enabled", () -> "false");
    registry.add("canary.alerts.log.enabled", () -> "true");
  }

  @AfterAll
  static void stop() {
    if (previousKubeconfig == null) {
      System.clearProperty(Config.KUBERNETES_KUBECONFIG_FILE);
    } else {
      System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, previousKubeconfig);
    }
    api.close();
  }

  @LocalServerPort int port;
  @Autowired SightProperties sight;
  @Autowired IncidentStore store;

  @Test
  @Order(1)
  void seedsEverySentinelAndIsHealthy() {
    await().atMost(Duration.ofSeconds(30)).until(() -> state().equals("HEALTHY"));
    assertThat(status().get("present").asInt()).isEqualTo(fixtures.sentinels());
    assertThat(incidents()).isEmpty();
  }

  @Test
  @Order(6)
  void aFrozenApiServerIsBlindWithinTheDocumentedBoundAndSeesAgainAfterIt() {
    Set<String> before = incidentIds();
    Instant frozen = Instant.now();
    api.freeze();
    try {
      await("BLIND while the API server does not answer")
          .atMost(sight.blindBound().plus(SLACK))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> state().equals("BLIND"));
      assertThat(Duration.between(frozen, Instant.now()))
          .isLessThan(sight.blindBound().plus(SLACK));
      assertThat(status().get("blindReason").asText()).contains("not answer");
      assertThat(sentinels())
          .allSatisfy(s -> assertThat(s.get("state").asText()).isEqualTo("UNKNOWN"));
      await("still BLIND, nothing lost, for the rest of a 15 s freeze")
          .during(Duration.ofSeconds(15).minus(Duration.between(frozen, Instant.now())))
          .atMost(Duration.ofSeconds(30))
          .until(() -> state().equals("BLIND") && incidentIds().equals(before));
    } finally {
      api.thaw();
    }
    // The mock server behind the sandbox stalls for a while on every watch torn during the freeze
    // (fabric8's WatchEventsListener waits on its event loop), so no return time is asserted here;
    // SightIT asserts it on a real kube-apiserver.
    // (The muted loss of the window test is still open: LOSS, not HEALTHY, once sight returns.)
    await("sight returns")
        .atMost(INTERVAL.multipliedBy(6))
        .until(() -> List.of("HEALTHY", "LOSS").contains(state()));
    assertThat(incidentIds()).as("a freeze is not a loss").isEqualTo(before);
  }

  @Test
  @Order(2)
  void aLossDuringAnOutageIsFoundAfterItWithTheBlindInterval() {
    String ns = fixtures.namespace("alpha");
    Instant stopped = Instant.now();
    api.stop();
    try {
      await("BLIND").atMost(sight.blindBound().plus(SLACK)).until(() -> state().equals("BLIND"));
      try (KubernetesClient direct = api.direct()) {
        direct.configMaps().inNamespace(ns).withName("outage").delete();
      }
      await("BLIND, and nothing reported, for the rest of the outage")
          .during(OUTAGE.minus(Duration.between(stopped, Instant.now())))
          .atMost(OUTAGE.plus(Duration.ofSeconds(30)))
          .until(() -> state().equals("BLIND") && incidents().isEmpty());
    } finally {
      api.resume();
    }
    Instant resumed = Instant.now();
    await("sight returns within one verification interval")
        .atMost(INTERVAL)
        .until(() -> state().equals("LOSS"));
    assertThat(Duration.between(resumed, Instant.now())).isLessThan(INTERVAL);
    List<JsonNode> incidents = incidents();
    assertThat(incidents).hasSize(1);
    JsonNode incident = incidents.get(0);
    assertThat(items(incident)).containsExactly("ConfigMap " + ns + "/outage");
    assertThat(incident.hasNonNull("blindFrom")).as("blindFrom").isTrue();
    assertThat(incident.hasNonNull("blindTo")).as("blindTo").isTrue();
    Instant blindFrom = Instant.parse(incident.get("blindFrom").asText());
    Instant blindTo = Instant.parse(incident.get("blindTo").asText());
    assertThat(blindFrom).isAfterOrEqualTo(stopped.minusSeconds(1)).isBefore(resumed);
    assertThat(blindTo).isAfter(resumed);
    String id = incident.get("id").asText();
    String text = http().get("/api/v1/incidents/" + id, "text/plain").body();
    assertThat(text).contains("blind interval").contains(blindFrom.toString());

    await("sealed").atMost(Duration.ofSeconds(10)).until(() -> incident(id).hasNonNull("sealedAt"));
    assertThat(http().post("/api/v1/incidents/" + id + "/reseed", TOKEN).status()).isEqualTo(200);
    await("re-seeded and resolved")
        .atMost(INTERVAL)
        .until(() -> state().equals("HEALTHY") && incident(id).hasNonNull("resolvedAt"));
  }

  @Test
  @Order(3)
  void sightReturnsWithinOneVerificationIntervalAfterEveryOutage() {
    Set<String> before = incidentIds();
    List<Duration> returns = new ArrayList<>();
    for (int i = 0; i < OUTAGES; i++) {
      api.stop();
      try {
        await("BLIND").atMost(sight.blindBound().plus(SLACK)).until(() -> state().equals("BLIND"));
        sleep(SHORT_OUTAGE);
      } finally {
        api.resume();
      }
      Instant resumed = Instant.now();
      await("sight returns after outage " + (i + 1))
          .atMost(INTERVAL)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> state().equals("HEALTHY"));
      returns.add(Duration.between(resumed, Instant.now()));
    }
    assertThat(returns).hasSize(OUTAGES).allSatisfy(d -> assertThat(d).isLessThan(INTERVAL));
    assertThat(incidentIds()).as("outages open nothing").isEqualTo(before);
  }

  @Test
  @Order(4)
  void aLifted403IsOneBlindEpisodeWithoutFlapping() {
    Set<String> before = incidentIds();
    api.answerEverything(403);
    try {
      // The next full verification is refused: BLIND (run now rather than after its interval).
      http().post("/api/v1/verifications", TOKEN);
      await("BLIND").atMost(Duration.ofSeconds(10)).until(() -> state().equals("BLIND"));
      sleep(Duration.ofSeconds(6));
    } finally {
      api.answerEverything(0);
    }
    List<String> states = new ArrayList<>();
    Instant until = Instant.now().plus(INTERVAL);
    while (Instant.now().isBefore(until)) {
      String state = state();
      if (states.isEmpty() || !states.get(states.size() - 1).equals(state)) {
        states.add(state);
      }
      sleep(Duration.ofMillis(100));
    }
    assertThat(states).as("one way back, no flapping").containsExactly("BLIND", "HEALTHY");
    assertThat(incidentIds()).isEqualTo(before);
  }

  @Test
  @Order(5)
  void anExpectedLossStillThereWhenItsWindowEndsPagesThenOnce() {
    String ns = fixtures.namespace("bravo");
    Instant end = Instant.now().plusSeconds(8);
    AgentHttp.Response window =
        http()
            .postJson(
                "/api/v1/maintenance-windows",
                """
                {"start":"%s","end":"%s","reason":"storage migration","mode":"mute-all",
                 "matchers":{"tenants":["bravo"]}}
                """
                    .formatted(Instant.now().minusSeconds(1), end),
                TOKEN);
    assertThat(window.status()).as(window.body()).isLessThan(300);
    try (KubernetesClient direct = api.direct()) {
      direct.configMaps().inNamespace(ns).withName("muted").delete();
    }
    JsonNode incident =
        await("the loss is recorded")
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    incidents().stream()
                        .filter(i -> items(i).contains("ConfigMap " + ns + "/muted"))
                        .findFirst(),
                java.util.Optional::isPresent)
            .orElseThrow();
    String id = incident.get("id").asText();
    await("recorded as expected, not paged")
        .atMost(Duration.ofSeconds(10))
        .until(() -> alerting(id).get("expected").asBoolean());
    assertThat(Instant.now()).isBefore(end);

    await("paged once the window is over")
        .atMost(Duration.between(Instant.now(), end).plusSeconds(10))
        .until(() -> !alerting(id).get("expected").asBoolean());
    assertThat(Instant.now()).isAfter(end);
    sleep(Duration.ofSeconds(3));
    List<JsonNode> firing =
        StreamSupport.stream(alerting(id).get("alerts").spliterator(), false)
            .filter(a -> a.get("status").asText().equals("firing"))
            .toList();
    assertThat(firing).as("one firing alert for the one channel").hasSize(1);
    assertThat(firing.get(0).get("state").asText()).isIn("pending", "delivered");
  }

  @Test
  @Order(7)
  void aClusterReplacedUnderTheRunningAgentIsOneEnvironmentReset() {
    String before = status().get("clusterId").asText();
    int lossesBefore = store.list(before, 100).size();
    String oldUid = api.kubeSystemUid();
    api.replace();
    String newUid = api.kubeSystemUid();
    assertThat(newUid).isNotEqualTo(oldUid);

    await("the agent follows the new cluster")
        .atMost(INTERVAL.plus(Duration.ofSeconds(15)))
        .until(() -> status().get("clusterId").asText().equals(newUid));
    await("seeded afresh and healthy")
        .atMost(Duration.ofSeconds(30))
        .until(() -> state().equals("HEALTHY"));
    List<JsonNode> incidents = incidents();
    assertThat(incidents)
        .extracting(i -> i.get("type").asText())
        .containsExactly(Incident.Type.ENVIRONMENT_RESET.name());
    assertThat(incidents.get(0).get("headline").asText()).contains(before).contains(newUid);
    assertThat(store.list(before, 100))
        .as("no loss recorded on the previous cluster")
        .hasSize(lossesBefore);
    assertThat(sentinels())
        .allSatisfy(s -> assertThat(s.get("state").asText()).isEqualTo("PRESENT"));
  }

  // ---- helpers

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

  private JsonNode incident(String id) {
    return http().get("/api/v1/incidents/" + id).json();
  }

  private JsonNode alerting(String id) {
    return http().get("/api/v1/incidents/" + id + "/alerts").json();
  }

  private Set<String> incidentIds() {
    return incidents().stream().map(i -> i.get("id").asText()).collect(Collectors.toSet());
  }

  private List<JsonNode> sentinels() {
    return StreamSupport.stream(http().get("/api/v1/sentinels").json().spliterator(), false)
        .toList();
  }

  private static List<String> items(JsonNode incident) {
    return StreamSupport.stream(incident.get("items").spliterator(), false)
        .map(
            i ->
                i.get("key").get("kind").asText()
                    + " "
                    + i.get("key").get("namespace").asText()
                    + "/"
                    + i.get("key").get("name").asText())
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
