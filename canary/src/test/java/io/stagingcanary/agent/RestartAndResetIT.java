package io.stagingcanary.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.CanaryApplication;
import io.stagingcanary.controlplane.ControlPlane;
import io.stagingcanary.controlplane.RealControlPlane;
import io.stagingcanary.fixtures.SentinelLabels;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentEnrichmentStore;
import io.stagingcanary.incident.IncidentStore;
import io.stagingcanary.incident.ItemAttribution;
import io.stagingcanary.seeding.SeedOutcome;
import io.stagingcanary.seeding.SeedingState;
import io.stagingcanary.verification.SentinelStates;
import io.stagingcanary.verification.SentinelView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The agent stops and starts again against the real control plane with the same data directory:
 * losses while it was down are reported once, at startup, and never again; a ledger kept for
 * another cluster identity is one environment reset, not a loss of every sentinel.
 */
@RealControlPlane
class RestartAndResetIT {

  @TempDir static Path dir;
  private static String previousKubeconfig;

  @BeforeAll
  static void useTheControlPlane() {
    previousKubeconfig = System.getProperty(Config.KUBERNETES_KUBECONFIG_FILE);
    System.setProperty(
        Config.KUBERNETES_KUBECONFIG_FILE, ControlPlane.shared().kubeconfig().toString());
  }

  @AfterAll
  static void restoreKubeconfig() {
    if (previousKubeconfig == null) {
      System.clearProperty(Config.KUBERNETES_KUBECONFIG_FILE);
    } else {
      System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, previousKubeconfig);
    }
  }

  /** Also: the losses found at startup are attributed {@code unknown (observer down)}. */
  @Test
  void lossesWhileDownAreReportedOnceAtStartupAndNeverAgain(KubernetesClient admin) {
    DetectionFixtures fixtures =
        DetectionFixtures.write(
            dir.resolve("restart"), "rst", Map.of("kilo", List.of("a", "b"), "lima", List.of("c")));
    Path data = dir.resolve("restart/data");

    try (ConfigurableApplicationContext first = startAgent(fixtures, data, "restart-it")) {
      assertThat(results(first)).containsOnly(SeedOutcome.Result.CREATED);
      assertThat(incidents(first)).isEmpty();
    }

    admin.configMaps().inNamespace(fixtures.namespace("kilo")).withName("a").delete();
    admin.configMaps().inNamespace(fixtures.namespace("lima")).withName("c").delete();

    String incidentId;
    try (ConfigurableApplicationContext second = startAgent(fixtures, data, "restart-it")) {
      List<Incident> incidents = incidents(second);
      assertThat(incidents).hasSize(1);
      Incident found = incidents.get(0);
      incidentId = found.id();
      assertThat(found.type()).isEqualTo(Incident.Type.SENTINEL_LOSS);
      assertThat(found.detectedBy()).isEqualTo(Incident.DetectedBy.STARTUP);
      assertThat(found.items())
          .extracting(i -> i.key().kind() + " " + i.key().namespace() + "/" + i.key().name())
          .containsExactlyInAnyOrder(
              "ConfigMap " + fixtures.namespace("kilo") + "/a",
              "ConfigMap " + fixtures.namespace("lima") + "/c");
      assertThat(found.items()).allSatisfy(i -> assertThat(i.status().name()).isEqualTo("MISSING"));
      // The observer (here the audit receiver) was down with the agent: no record can name anyone.
      String sealed = incidentId;
      await("the startup incident's attribution")
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(second.getBean(IncidentEnrichmentStore.class).find(sealed))
                      .hasSize(2)
                      .allSatisfy(
                          a -> {
                            assertThat(a.actor()).isNull();
                            assertThat(a.unknown())
                                .isEqualTo(ItemAttribution.UnknownReason.OBSERVER_DOWN);
                          }));
    }

    try (ConfigurableApplicationContext third = startAgent(fixtures, data, "restart-it")) {
      assertThat(incidents(third)).extracting(Incident::id).containsExactly(incidentId);
      assertThat(states(third))
          .filteredOn(s -> s.name().equals("a") || s.name().equals("c"))
          .extracting(s -> s.state().name())
          .containsOnly("MISSING");
    }
  }

  @Test
  void aWipedClusterUnderANewIdentityIsOneEnvironmentResetAndIsSeededAfresh(
      KubernetesClient admin) {
    DetectionFixtures fixtures =
        DetectionFixtures.write(
            dir.resolve("reset"), "rse", Map.of("mike", List.of("a", "b"), "nova", List.of("c")));
    Path data = dir.resolve("reset/data");

    Map<String, String> seededUids;
    try (ConfigurableApplicationContext first =
        startAgent(fixtures, data, "reset-it", "--canary.cluster-id=old-cluster")) {
      assertThat(cluster(first).id()).isEqualTo("old-cluster");
      assertThat(results(first)).containsOnly(SeedOutcome.Result.CREATED);
      seededUids = liveUids(admin, fixtures);
    }
    // The environment is wiped: nothing the old identity seeded survives.
    for (String tenant : fixtures.tenants()) {
      admin.namespaces().withName(fixtures.namespace(tenant)).delete();
    }
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                fixtures.tenants().stream()
                    .allMatch(
                        t -> admin.namespaces().withName(fixtures.namespace(t)).get() == null));

    // Unset: the identity is derived from kube-system, as on a rebuilt cluster.
    try (ConfigurableApplicationContext second = startAgent(fixtures, data, "reset-it")) {
      assertThat(cluster(second).id()).isNotEqualTo("old-cluster");
      List<Incident> incidents = incidents(second);
      assertThat(incidents)
          .as("one reset, no loss of every sentinel")
          .extracting(Incident::type)
          .containsExactly(Incident.Type.ENVIRONMENT_RESET);
      assertThat(incidents.get(0).headline()).contains("old-cluster");
      assertThat(results(second)).containsOnly(SeedOutcome.Result.CREATED);
      assertThat(states(second)).extracting(v -> v.state().name()).containsOnly("PRESENT");
      assertThat(liveUids(admin, fixtures))
          .doesNotContainValue(seededUids.values().iterator().next());
    }
  }

  /**
   * Only the identity changed (e.g. {@code canary.cluster-id} removed, or a cluster restored with
   * its objects): live objects whose uid the previous identity recorded are provably the canary's.
   * They are adopted and monitored, untouched, and nothing was wiped: no reset, no loss.
   */
  @Test
  void anIdentityChangeWithSurvivingSentinelsAdoptsThemByUid(KubernetesClient admin) {
    DetectionFixtures fixtures =
        DetectionFixtures.write(
            dir.resolve("adopt"), "rsa", Map.of("oscar", List.of("a"), "papa", List.of("b")));
    Path data = dir.resolve("adopt/data");
    Map<String, String> seededUids;
    try (ConfigurableApplicationContext first =
        startAgent(fixtures, data, "adopt-it", "--canary.cluster-id=old-cluster")) {
      assertThat(results(first)).containsOnly(SeedOutcome.Result.CREATED);
      seededUids = liveUids(admin, fixtures);
    }
    try (ConfigurableApplicationContext second = startAgent(fixtures, data, "adopt-it")) {
      assertThat(results(second)).containsOnly(SeedOutcome.Result.ADOPTED);
      assertThat(states(second)).extracting(v -> v.state().name()).containsOnly("PRESENT");
      assertThat(incidents(second)).as("nothing was wiped or lost").isEmpty();
      assertThat(liveUids(admin, fixtures)).as("adopted, not touched").isEqualTo(seededUids);
    }
  }

  private static Map<String, String> liveUids(KubernetesClient admin, DetectionFixtures fixtures) {
    Map<String, String> uids = new java.util.TreeMap<>();
    for (String tenant : fixtures.tenants()) {
      String ns = fixtures.namespace(tenant);
      uids.put(ns, admin.namespaces().withName(ns).get().getMetadata().getUid());
      admin
          .configMaps()
          .inNamespace(ns)
          .withLabel(SentinelLabels.SENTINEL, "true")
          .list()
          .getItems()
          .forEach(
              cm -> uids.put(ns + "/" + cm.getMetadata().getName(), cm.getMetadata().getUid()));
    }
    return uids;
  }

  private static ConfigurableApplicationContext startAgent(
      DetectionFixtures fixtures, Path data, String clusterName, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--canary.cluster-name=" + clusterName,
                "--canary.data-dir=" + data,
                "--canary.fixtures.path=" + fixtures.root,
                "--canary.fixtures.sets=" + fixtures.set,
                "--canary.reseed.mode=manual",
                "--canary.incidents.group-window=0s",
                "--canary.attribution.audit.enabled=true"));
    args.addAll(List.of(more));
    return new SpringApplicationBuilder(CanaryApplication.class).run(args.toArray(String[]::new));
  }

  private static io.stagingcanary.cluster.ClusterIdentity cluster(
      ConfigurableApplicationContext context) {
    return context.getBean(SeedingState.class).cluster().orElseThrow();
  }

  private static List<SeedOutcome.Result> results(ConfigurableApplicationContext context) {
    return context.getBean(SeedingState.class).lastReport().orElseThrow().outcomes().stream()
        .map(SeedOutcome::result)
        .toList();
  }

  private static List<SentinelView> states(ConfigurableApplicationContext context) {
    return context.getBean(SentinelStates.class).list(cluster(context));
  }

  private static List<Incident> incidents(ConfigurableApplicationContext context) {
    return context.getBean(IncidentStore.class).list(cluster(context).id(), 100);
  }
}
