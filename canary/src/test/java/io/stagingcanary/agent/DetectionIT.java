package io.stagingcanary.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.controlplane.ControlPlane;
import io.stagingcanary.controlplane.ExecResult;
import io.stagingcanary.controlplane.RealControlPlane;
import io.stagingcanary.fixtures.SentinelLabels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Detection on the real control plane, one agent for the whole class (default group window of 5 s,
 * re-seeding only on request): a watch that expires relists without a false change, a stripped
 * label is MODIFIED, a same-named foreign object is REPLACED and never touched, a deleted tenant
 * namespace is one incident opened within a second, and an API-server outage is BLIND — never lost
 * — while a deletion made during it is reported after it, with the blind interval.
 */
@RealControlPlane
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DirtiesContext // its informers would otherwise outlive the class in the context cache
class DetectionIT {

  private static final String TOKEN = "detection-it-token";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  /** The promised detection latency, plus slack for a loaded test machine. */
  private static final Duration DETECTION = Duration.ofMillis(1500);

  private static final Duration GROUP_WINDOW = Duration.ofSeconds(5);
  private static final Duration OUTAGE = Duration.ofSeconds(30);

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
            dataDir,
            "det",
            Map.of(
                "alpha", List.of("settings", "extra"),
                "bravo", List.of("settings"),
                "charlie", List.of("strip", "replace"),
                "delta", List.of("churn-1", "churn-2", "after-expiry"),
                "echo", List.of("outage", "stays")));
    Path tokenFile = Files.writeString(dataDir.resolve("api-tokens"), TOKEN + "\n");
    registry.add("canary.data-dir", () -> dataDir.resolve("data").toString());
    registry.add("canary.cluster-name", () -> "detection-it");
    registry.add("canary.fixtures.path", () -> fixtures.root.toString());
    registry.add("canary.fixtures.sets", () -> fixtures.set);
    registry.add("canary.api.token-file", tokenFile::toString);
    registry.add("canary.reseed.mode", () -> "manual");
    registry.add("canary.incidents.group-window", () -> GROUP_WINDOW.toSeconds() + "s");
  }

  @AfterAll
  static void restoreKubeconfig() {
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

  @Test
  @Order(1)
  void seedsEverySentinelAndIsHealthy() {
    JsonNode status = http().get("/api/v1/status").json();
    assertThat(status.get("state").asText()).isEqualTo("HEALTHY");
    assertThat(status.get("expected").asInt()).isEqualTo(fixtures.sentinels());
    assertThat(status.get("present").asInt()).isEqualTo(fixtures.sentinels());
    assertThat(incidents()).isEmpty();
  }

  @Test
  @Order(2)
  void anExpiredWatchRelistsWithoutAFalseChange(ControlPlane controlPlane, KubernetesClient admin) {
    String ns = fixtures.namespace("delta");
    // Another controller's churn: an unrelated label and annotation, nothing the agent set.
    for (String name : List.of("churn-1", "churn-2")) {
      admin
          .configMaps()
          .inNamespace(ns)
          .withName(name)
          .edit(
              cm ->
                  new ConfigMapBuilder(cm)
                      .editMetadata()
                      .addToLabels("example.com/managed-by", "other-controller")
                      .addToAnnotations("example.com/last-sync", Instant.now().toString())
                      .endMetadata()
                      .build());
    }
    long churnedAt = controlPlane.etcdRevision();

    // The watches' resourceVersions are compacted away; a restarted API server's watch cache
    // starts at the current revision, so every resumed watch is answered 410 Gone and relists.
    Instant stopped = Instant.now();
    controlPlane.stopApiServer();
    assertThat(controlPlane.compact()).isGreaterThanOrEqualTo(churnedAt);
    controlPlane.startApiServer();

    await("the agent sees again after relisting")
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              JsonNode status = http().get("/api/v1/status").json();
              assertThat(status.get("state").asText()).isEqualTo("HEALTHY");
              // the full verification that runs when sight returns
              assertThat(Instant.parse(status.get("lastVerification").get("at").asText()))
                  .isAfter(stopped);
              assertThat(status.get("lastVerification").get("unobservedKinds")).isEmpty();
            });
    AgentHttp.Response verified = http().post("/api/v1/verifications", TOKEN);
    assertThat(verified.status()).isEqualTo(200);
    assertThat(verified.json().get("state").asText()).isEqualTo("HEALTHY");
    assertThat(verified.json().get("openedIncidents")).isEmpty();
    assertThat(incidents()).as("neither the churn nor the relist is a change").isEmpty();
    assertThat(sentinels())
        .allSatisfy(s -> assertThat(s.get("state").asText()).isEqualTo("PRESENT"));

    // Sight is real: a deletion after the relist is detected by the watch.
    Instant deleted = Instant.now();
    admin.configMaps().inNamespace(ns).withName("after-expiry").delete();
    JsonNode incident = awaitIncident(i -> items(i).contains(key("ConfigMap", ns, "after-expiry")));
    assertThat(items(incident)).containsExactly(key("ConfigMap", ns, "after-expiry"));
    assertThat(incident.get("detectedBy").asText()).isEqualTo("WATCH");
    assertThat(Duration.between(deleted, Instant.parse(incident.get("openedAt").asText())))
        .isLessThan(DETECTION);
    assertThat(incidents()).hasSize(1);
  }

  @Test
  @Order(3)
  void aStrippedSentinelLabelIsModifiedNotMissing(KubernetesClient admin) {
    String ns = fixtures.namespace("charlie");
    admin
        .configMaps()
        .inNamespace(ns)
        .withName("strip")
        .edit(
            cm ->
                new ConfigMapBuilder(cm)
                    .editMetadata()
                    .removeFromLabels(SentinelLabels.SENTINEL)
                    .endMetadata()
                    .build());

    await("the stripped sentinel is MODIFIED")
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(sentinel("ConfigMap", ns, "strip").get("state").asText())
                    .isEqualTo("MODIFIED"));
    JsonNode incident = awaitIncident(i -> items(i).contains(key("ConfigMap", ns, "strip")));
    assertThat(itemStatus(incident, key("ConfigMap", ns, "strip"))).isEqualTo("MODIFIED");
    assertThat(http().get("/api/v1/sentinels?state=MISSING").json())
        .extracting(s -> s.get("name").asText())
        .doesNotContain("strip");
  }

  @Test
  @Order(4)
  void aSameNamedForeignObjectIsReplacedAndNeverTouched(KubernetesClient admin) {
    String ns = fixtures.namespace("charlie");
    admin.configMaps().inNamespace(ns).withName("replace").delete();
    await("the sentinel is gone")
        .atMost(TIMEOUT)
        .until(() -> admin.configMaps().inNamespace(ns).withName("replace").get() == null);
    ConfigMap foreign =
        admin
            .configMaps()
            .inNamespace(ns)
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("replace")
                    .addToLabels("app", "someone-else")
                    .endMetadata()
                    .addToData("owner", "someone else")
                    .build())
            .create();

    // The label-selected watch never sees the unlabelled newcomer (the delete was MISSING); the
    // next full verification, run now rather than after its interval, tells the two apart.
    assertThat(http().post("/api/v1/verifications", TOKEN).status()).isEqualTo(200);
    await("the sentinel is REPLACED")
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(sentinel("ConfigMap", ns, "replace").get("state").asText())
                    .isEqualTo("REPLACED"));
    JsonNode incident = awaitIncident(i -> items(i).contains(key("ConfigMap", ns, "replace")));
    await("the incident is sealed")
        .atMost(TIMEOUT)
        .until(() -> incident(incident.get("id").asText()).get("status").asText().equals("open"));

    AgentHttp.Response reseed =
        http().post("/api/v1/incidents/" + incident.get("id").asText() + "/reseed", TOKEN);
    assertThat(reseed.status()).as(reseed.body()).isLessThan(300);
    assertThat(http().post("/api/v1/verifications", TOKEN).status()).isEqualTo(200);

    ConfigMap now = admin.configMaps().inNamespace(ns).withName("replace").get();
    assertThat(now.getMetadata().getUid()).isEqualTo(foreign.getMetadata().getUid());
    assertThat(now.getMetadata().getResourceVersion())
        .isEqualTo(foreign.getMetadata().getResourceVersion());
    assertThat(now.getMetadata().getLabels()).isEqualTo(Map.of("app", "someone-else"));
    assertThat(now.getData()).isEqualTo(Map.of("owner", "someone else"));
    assertThat(sentinel("ConfigMap", ns, "replace").get("state").asText()).isEqualTo("REPLACED");
  }

  @Test
  @Order(5)
  void aDeletedTenantNamespaceIsOneIncidentOpenedWithinASecond(KubernetesClient admin) {
    String tenant = "alpha";
    String ns = fixtures.namespace(tenant);
    Instant deleted = Instant.now();
    admin.namespaces().withName(ns).delete();

    JsonNode incident = awaitTenantLost(tenant, ns);
    Instant opened = Instant.parse(incident.get("openedAt").asText());
    assertThat(Duration.between(deleted, opened)).as("detection latency").isLessThan(DETECTION);
    assertThat(Duration.between(deleted, Instant.parse(incident.get("sealedAt").asText())))
        .as("sealed after the group window")
        .isLessThan(GROUP_WINDOW.plus(DETECTION));
  }

  @Test
  @Order(6)
  void kubectlDeletingATenantNamespaceIsOneIncident(ControlPlane controlPlane) {
    String tenant = "bravo";
    String ns = fixtures.namespace(tenant);
    ExecResult delete = controlPlane.kubectl("delete", "namespace", ns, "--wait=false");
    assertThat(delete.exitCode()).as(delete.toString()).isZero();

    awaitTenantLost(tenant, ns);
  }

  @Test
  @Order(7)
  void anApiServerOutageIsBlindAndADeletionDuringItIsFoundAfterIt(ControlPlane controlPlane) {
    String ns = fixtures.namespace("echo");
    Set<String> before = incidentIds();
    Instant stopped = Instant.now();
    controlPlane.stopApiServer();
    try {
      await("the agent reports BLIND")
          .atMost(TIMEOUT)
          .untilAsserted(
              () ->
                  assertThat(http().get("/api/v1/status").json().get("state").asText())
                      .isEqualTo("BLIND"));
      // Gone while nobody can see: straight out of etcd, no watch event will ever tell.
      ExecResult deleted = controlPlane.etcdctl("del", "/registry/configmaps/" + ns + "/outage");
      assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
      assertThat(deleted.stdout().strip()).isEqualTo("1");

      Duration rest = OUTAGE.minus(Duration.between(stopped, Instant.now()));
      if (!rest.isNegative() && !rest.isZero()) {
        await("blind, and no incident, for the rest of the outage")
            .during(rest)
            .atMost(rest.plus(TIMEOUT))
            .untilAsserted(
                () -> {
                  assertThat(http().get("/api/v1/status").json().get("state").asText())
                      .isEqualTo("BLIND");
                  assertThat(incidentIds()).isEqualTo(before);
                });
      }
    } finally {
      controlPlane.startApiServer();
    }

    JsonNode incident = awaitIncident(i -> !before.contains(i.get("id").asText()));
    assertThat(items(incident)).containsExactly(key("ConfigMap", ns, "outage"));
    assertThat(incident.get("blindFrom").isNull()).as("blindFrom").isFalse();
    assertThat(incident.get("blindTo").isNull()).as("blindTo").isFalse();
    Instant blindFrom = Instant.parse(incident.get("blindFrom").asText());
    Instant blindTo = Instant.parse(incident.get("blindTo").asText());
    assertThat(blindFrom).isAfterOrEqualTo(stopped).isBefore(blindTo);
    assertThat(Duration.between(blindFrom, blindTo)).isGreaterThan(OUTAGE.minusSeconds(5));
    await("the agent sees again")
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(http().get("/api/v1/status").json().get("state").asText())
                    .isEqualTo("LOSS"));
    assertThat(incidentIds()).as("the outage itself opened nothing").hasSize(before.size() + 1);
    assertThat(sentinel("ConfigMap", ns, "stays").get("state").asText()).isEqualTo("PRESENT");
    assertThat(sentinel("ConfigMap", ns, "outage").get("state").asText()).isEqualTo("MISSING");
  }

  // ---- helpers

  /**
   * Waits until the tenant's namespace and all its contents are MISSING in exactly one incident.
   */
  private JsonNode awaitTenantLost(String tenant, String ns) {
    int count = fixtures.sentinels(tenant);
    await("the tenant's sentinels are all MISSING in one incident")
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              List<JsonNode> incidents =
                  incidents().stream().filter(i -> tenants(i).contains(tenant)).toList();
              assertThat(incidents).hasSize(1);
              JsonNode incident = incidents.get(0);
              assertThat(tenants(incident)).containsExactly(tenant);
              assertThat(incident.get("items")).hasSize(count);
              assertThat(incident.get("items"))
                  .allSatisfy(
                      i ->
                          assertThat(i.get("status").asText())
                              .as(i.toString())
                              .isEqualTo("MISSING"));
              assertThat(items(incident)).contains(key("Namespace", null, ns));
            });
    assertThat(sentinels())
        .filteredOn(s -> s.get("tenant").asText().equals(tenant))
        .hasSize(count)
        .allSatisfy(s -> assertThat(s.get("state").asText()).isEqualTo("MISSING"));
    JsonNode incident =
        incidents().stream().filter(i -> tenants(i).contains(tenant)).findFirst().orElseThrow();
    JsonNode diffTenants = incident.get("diff");
    assertThat(diffTenants.toString()).contains(tenant).contains(ns);
    return incident;
  }

  private JsonNode awaitIncident(java.util.function.Predicate<JsonNode> matching) {
    return await("an incident")
        .atMost(TIMEOUT)
        .until(
            () -> incidents().stream().filter(matching).findFirst(), java.util.Optional::isPresent)
        .orElseThrow();
  }

  private AgentHttp http() {
    return new AgentHttp(port);
  }

  private List<JsonNode> incidents() {
    return StreamSupport.stream(http().get("/api/v1/incidents").json().spliterator(), false)
        .toList();
  }

  private JsonNode incident(String id) {
    return http().get("/api/v1/incidents/" + id).json();
  }

  private Set<String> incidentIds() {
    return incidents().stream().map(i -> i.get("id").asText()).collect(Collectors.toSet());
  }

  private List<JsonNode> sentinels() {
    return StreamSupport.stream(http().get("/api/v1/sentinels").json().spliterator(), false)
        .toList();
  }

  private JsonNode sentinel(String kind, String namespace, String name) {
    return sentinels().stream()
        .filter(
            s ->
                key(
                        s.get("kind").asText(),
                        s.path("namespace").asText(null),
                        s.get("name").asText())
                    .equals(key(kind, namespace, name)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sentinel " + key(kind, namespace, name)));
  }

  private static String key(String kind, String namespace, String name) {
    return kind + " " + (namespace == null || namespace.isEmpty() ? "" : namespace + "/") + name;
  }

  private static List<String> items(JsonNode incident) {
    return StreamSupport.stream(incident.get("items").spliterator(), false)
        .map(
            i ->
                key(
                    i.get("key").get("kind").asText(),
                    i.get("key").path("namespace").asText(null),
                    i.get("key").get("name").asText()))
        .toList();
  }

  private static String itemStatus(JsonNode incident, String key) {
    return StreamSupport.stream(incident.get("items").spliterator(), false)
        .filter(
            i ->
                key(
                        i.get("key").get("kind").asText(),
                        i.get("key").path("namespace").asText(null),
                        i.get("key").get("name").asText())
                    .equals(key))
        .map(i -> i.get("status").asText())
        .findFirst()
        .orElseThrow();
  }

  private static Set<String> tenants(JsonNode incident) {
    return StreamSupport.stream(incident.get("items").spliterator(), false)
        .map(i -> i.get("tenant").asText())
        .collect(Collectors.toSet());
  }
}
