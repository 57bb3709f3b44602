package io.stagingcanary.incident;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.MutableClock;
import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelResult;
import io.stagingcanary.diff.SentinelStatus;
import io.stagingcanary.diff.StatusType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Grouping of changes into incidents: one per window, escalations join, blind never opens; nothing
 * is handed on before it is stored, and failed writes are kept and tried again.
 */
class IncidentEngineTest {

  static final ClusterIdentity CLUSTER = new ClusterIdentity("c-1", "staging", "https://k8s");
  static final ResourceKey NAMESPACE = ResourceKey.clusterScoped("v1", "Namespace", "canary-acme");
  static final ResourceKey CONFIG_MAP =
      ResourceKey.namespaced("v1", "ConfigMap", "canary-acme", "settings");
  static final ResourceKey CLAIM =
      ResourceKey.namespaced("v1", "PersistentVolumeClaim", "canary-acme", "data");
  static final ResourceKey OTHER = ResourceKey.namespaced("v1", "Secret", "canary-globex", "creds");

  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  static final Duration WINDOW = Duration.ofSeconds(5);

  final MutableClock clock = new MutableClock(T0);
  InMemoryIncidentStore store;
  List<Incident> sealed;
  List<Incident> resolved;
  IncidentEngine engine;

  @BeforeEach
  void setUp() {
    store = new InMemoryIncidentStore();
    sealed = new ArrayList<>();
    resolved = new ArrayList<>();
    engine = newEngine();
    engine.restore(CLUSTER);
  }

  IncidentEngine newEngine() {
    return new IncidentEngine(
        store, clock, WINDOW, sealed::add, resolved::add, new IncidentChangeListener() {});
  }

  @Test
  void changesWithinTheWindowFormOneIncidentSealedOnce() {
    List<String> first =
        engine.accept(List.of(missing(CONFIG_MAP)), Incident.DetectedBy.WATCH, null, null);
    List<String> second =
        engine.accept(
            List.of(missing(CLAIM), missing(NAMESPACE)), Incident.DetectedBy.WATCH, null, null);

    assertThat(first).hasSize(1);
    assertThat(second).as("joins the incident still collecting").isEmpty();
    assertThat(store.incidents).hasSize(1);
    assertThat(store.incidents.values().iterator().next().sealedAt()).isNull();

    engine.seal();

    assertThat(sealed).hasSize(1);
    Incident incident = sealed.get(0);
    assertThat(incident.items())
        .extracting(Incident.Item::key)
        .containsExactlyInAnyOrder(CONFIG_MAP, CLAIM, NAMESPACE);
    assertThat(incident.headline()).contains("3 sentinels lost");
    assertThat(incident.text()).contains("MISSING").contains("canary-acme");
    assertThat(store.find(incident.id()).orElseThrow().sealedAt()).isNotNull();
  }

  @Test
  void aChangeAfterSealingOpensANewIncident() {
    engine.accept(List.of(missing(CONFIG_MAP)), Incident.DetectedBy.WATCH, null, null);
    engine.seal();
    List<String> opened =
        engine.accept(List.of(missing(OTHER)), Incident.DetectedBy.WATCH, null, null);
    engine.seal();

    assertThat(opened).hasSize(1);
    assertThat(sealed).hasSize(2);
  }

  @Test
  void theSameLossSeenAgainIsNotReportedAgain() {
    engine.accept(List.of(missing(CONFIG_MAP)), Incident.DetectedBy.WATCH, null, null);
    engine.seal();
    List<String> again =
        engine.accept(List.of(missing(CONFIG_MAP)), Incident.DetectedBy.VERIFICATION, null, null);

    assertThat(again).isEmpty();
    assertThat(sealed).hasSize(1);
  }

  @Test
  void aTerminatingNamespaceThatIsThenGoneUpdatesItsIncidentInsteadOfOpeningAnother() {
    engine.accept(List.of(degraded(NAMESPACE)), Incident.DetectedBy.WATCH, null, null);
    engine.seal();
    List<String> opened =
        engine.accept(List.of(missing(NAMESPACE)), Incident.DetectedBy.WATCH, null, null);

    assertThat(opened).isEmpty();
    assertThat(sealed).hasSize(1);
    Incident stored = store.find(sealed.get(0).id()).orElseThrow();
    assertThat(stored.items())
        .singleElement()
        .extracting(Incident.Item::status)
        .isEqualTo(StatusType.MISSING);
  }

  @Test
  void contentsOfALostNamespaceGoneAfterTheWindowJoinItsIncident() {
    engine.accept(List.of(degraded(NAMESPACE)), Incident.DetectedBy.WATCH, null, null);
    engine.seal();
    List<String> opened =
        engine.accept(
            List.of(missing(NAMESPACE), missing(CONFIG_MAP), missing(CLAIM)),
            Incident.DetectedBy.WATCH,
            null,
            null);
    List<String> elsewhere =
        engine.accept(List.of(missing(OTHER)), Incident.DetectedBy.WATCH, null, null);

    assertThat(opened).as("the namespace's contents join its incident").isEmpty();
    assertThat(elsewhere).as("another namespace is another incident").hasSize(1);
    Incident stored = store.find(sealed.get(0).id()).orElseThrow();
    assertThat(stored.items())
        .extracting(Incident.Item::key)
        .containsExactlyInAnyOrder(NAMESPACE, CONFIG_MAP, CLAIM);
    assertThat(stored.items()).extracting(Incident.Item::status).containsOnly(StatusType.MISSING);
    assertThat(engine.isReported(CONFIG_MAP)).isTrue();
  }

  @Test
  void blindIsNeverALoss() {
    List<String> opened =
        engine.accept(
            List.of(
                new SentinelResult(
                    CONFIG_MAP,
                    "sandbox",
                    "acme",
                    new SentinelStatus.Unknown("API server unreachable"))),
            Incident.DetectedBy.VERIFICATION,
            null,
            null);

    assertThat(opened).isEmpty();
    assertThat(store.incidents).isEmpty();
  }

  @Test
  void resolvesOnceEverySentinelIsBack() {
    engine.accept(
        List.of(missing(CONFIG_MAP), missing(CLAIM)), Incident.DetectedBy.WATCH, null, null);
    engine.seal();
    Map<ResourceKey, SentinelResult> current = new HashMap<>();
    current.put(CONFIG_MAP, present(CONFIG_MAP));
    current.put(CLAIM, missing(CLAIM));

    engine.resolveRecovered(current);
    assertThat(resolved).isEmpty();

    current.put(CLAIM, present(CLAIM));
    engine.resolveRecovered(current);
    engine.resolveRecovered(current);
    assertThat(resolved).hasSize(1);
    assertThat(store.find(sealed.get(0).id()).orElseThrow().resolvedAt()).isNotNull();
  }

  @Test
  void aRestartRestoresOpenIncidentsAndSealsOneLeftCollecting() {
    engine.accept(List.of(missing(CONFIG_MAP)), Incident.DetectedBy.WATCH, null, null);
    // The agent dies before the window closes.
    IncidentEngine restarted = newEngine();
    restarted.restore(CLUSTER);

    assertThat(sealed).hasSize(1).first().satisfies(i -> assertThat(i.isSealed()).isTrue());
    assertThat(
            restarted.accept(List.of(missing(CONFIG_MAP)), Incident.DetectedBy.STARTUP, null, null))
        .as("already reported before the restart")
        .isEmpty();
    assertThat(store.incidents).hasSize(1);
  }

  @Test
  void carriesTheBlindIntervalALossWasFoundIn() {
    Instant from = Instant.parse("2026-11-22T09:59:00Z");
    Instant to = Instant.parse("2026-11-22T09:59:30Z");
    engine.accept(List.of(missing(CONFIG_MAP)), Incident.DetectedBy.VERIFICATION, from, to);
    engine.seal();

    assertThat(sealed.get(0).blindFrom()).isEqualTo(from);
    assertThat(sealed.get(0).blindTo()).isEqualTo(to);
  }

  @Test
  void aLossInsideANamespaceReportedOnlyAsModifiedOpensItsOwnIncident() {
    engine.accept(
        List.of(
            new SentinelResult(
                NAMESPACE,
                "sandbox",
                "acme",
                new SentinelStatus.Modified(
                    List.of(
                        new io.stagingcanary.diff.FieldChange(
                            "metadata.labels[\"tier\"]", "pro", null, "label removed"))))),
        Incident.DetectedBy.WATCH,
        null,
        null);
    engine.seal();

    List<String> opened =
        engine.accept(List.of(missing(CONFIG_MAP)), Incident.DetectedBy.WATCH, null, null);

    assertThat(opened).as("a new loss gets its own incident and page").hasSize(1);
  }

  @Test
  void knowsWhenANamespaceInTheCollectingIncidentIsStillTerminating() {
    assertThat(engine.collectingSince()).isEmpty();
    engine.accept(
        List.of(degraded(NAMESPACE), missing(CONFIG_MAP)), Incident.DetectedBy.WATCH, null, null);

    assertThat(engine.collectingSince()).contains(Instant.parse("2026-11-22T10:00:00Z"));
    assertThat(engine.collectingNamespaceTerminating()).isTrue();

    engine.accept(List.of(missing(NAMESPACE)), Incident.DetectedBy.WATCH, null, null);
    assertThat(engine.collectingNamespaceTerminating()).as("the namespace is gone now").isFalse();
  }

  @Test
  void theWindowSealsOnATickOnceItIsOver() {
    engine.accept(List.of(missing(CONFIG_MAP)), Incident.DetectedBy.WATCH, null, null);
    clock.advance(WINDOW.minusMillis(1));
    engine.tick();
    assertThat(sealed).isEmpty();

    clock.advance(Duration.ofMillis(1));
    engine.tick();
    assertThat(sealed).hasSize(1);
  }

  @Test
  void aTerminatingNamespaceHoldsTheSealUntilItIsGoneOrTheCap() {
    engine.accept(List.of(degraded(NAMESPACE)), Incident.DetectedBy.WATCH, null, null);
    clock.advance(WINDOW.plusSeconds(1));
    engine.tick();
    assertThat(sealed).as("still terminating").isEmpty();

    clock.advance(Duration.ofSeconds(30));
    engine.tick();
    assertThat(sealed).as("the 30 s cap").hasSize(1);
  }

  @Test
  void aFailedOpenIsKeptAndStoredOnceTheLedgerTakesWritesAgain() {
    store.failWrites = true;
    List<String> opened =
        engine.accept(List.of(degraded(NAMESPACE)), Incident.DetectedBy.WATCH, null, null);
    assertThat(opened).isEmpty();
    assertThat(engine.isReported(NAMESPACE)).as("memory is not ahead of the ledger").isFalse();
    assertThat(engine.hasPendingWrites()).isTrue();
    assertThat(engine.failingSince()).contains(T0);

    // more of the same loss arrives while the ledger still refuses writes
    clock.advance(Duration.ofMillis(300));
    engine.accept(
        List.of(missing(CONFIG_MAP), missing(CLAIM), missing(NAMESPACE)),
        Incident.DetectedBy.WATCH,
        null,
        null);
    clock.advance(WINDOW);
    engine.seal();
    engine.tick();
    assertThat(store.incidents).isEmpty();
    assertThat(sealed).as("nothing handed on before it is stored").isEmpty();

    store.failWrites = false;
    clock.advance(IncidentEngine.MAX_RETRY);
    engine.tick();

    assertThat(store.incidents).as("one incident, not split").hasSize(1);
    assertThat(sealed).hasSize(1);
    Incident incident = sealed.get(0);
    assertThat(incident.openedAt()).as("opened when first seen").isEqualTo(T0);
    assertThat(incident.items())
        .extracting(Incident.Item::key)
        .containsExactlyInAnyOrder(NAMESPACE, CONFIG_MAP, CLAIM);
    assertThat(incident.items()).extracting(Incident.Item::status).containsOnly(StatusType.MISSING);
    assertThat(store.find(incident.id()).orElseThrow().isSealed()).isTrue();
    assertThat(engine.hasPendingWrites()).isFalse();
    assertThat(engine.failingSince()).isEmpty();
    assertThat(engine.isReported(CLAIM)).isTrue();
  }

  @Test
  void failedWritesAreTriedAgainWithABoundedBackoff() {
    store.failWrites = true;
    engine.accept(List.of(missing(CONFIG_MAP)), Incident.DetectedBy.WATCH, null, null);
    int tries = 0;
    for (int i = 0; i < 600; i++) { // 60 s in 100 ms steps
      clock.advance(Duration.ofMillis(100));
      int before = store.attempts;
      engine.tick();
      tries += store.attempts - before;
    }
    // 250 ms, 500 ms, 1 s, 2 s, 4 s, then every 5 s: about 16 tries in a minute, never a storm
    assertThat(tries).isBetween(12, 20);
    assertThat(store.incidents).isEmpty();
    assertThat(engine.hasPendingWrites()).isTrue();

    store.failWrites = false;
    clock.advance(IncidentEngine.MAX_RETRY);
    engine.tick();
    assertThat(store.incidents).hasSize(1);
    assertThat(sealed).as("its window is long over").hasSize(1);
  }

  @Test
  void aFailedSealIsNotHandedOnAndIsTriedAgain() {
    engine.accept(List.of(missing(CONFIG_MAP)), Incident.DetectedBy.WATCH, null, null);
    store.failWrites = true;
    engine.seal();
    assertThat(sealed).isEmpty();
    assertThat(store.incidents.values().iterator().next().isSealed()).isFalse();
    // a further change while the seal waits joins the same incident
    engine.accept(List.of(missing(CLAIM)), Incident.DetectedBy.WATCH, null, null);

    store.failWrites = false;
    clock.advance(IncidentEngine.MAX_RETRY);
    engine.tick();
    assertThat(sealed).hasSize(1);
    assertThat(sealed.get(0).items())
        .extracting(Incident.Item::key)
        .containsExactlyInAnyOrder(CONFIG_MAP, CLAIM);
    assertThat(store.incidents).hasSize(1);
  }

  @Test
  void aFailedEscalationKeepsTheOldStatusUntilStored() {
    engine.accept(List.of(degraded(NAMESPACE)), Incident.DetectedBy.WATCH, null, null);
    engine.seal();
    store.failWrites = true;
    engine.accept(List.of(missing(NAMESPACE)), Incident.DetectedBy.WATCH, null, null);
    assertThat(store.find(sealed.get(0).id()).orElseThrow().items())
        .extracting(Incident.Item::status)
        .containsOnly(StatusType.DEGRADED);

    store.failWrites = false;
    clock.advance(IncidentEngine.MAX_RETRY);
    engine.tick();
    assertThat(store.find(sealed.get(0).id()).orElseThrow().items())
        .extracting(Incident.Item::status)
        .containsOnly(StatusType.MISSING);
    assertThat(store.incidents).hasSize(1);
  }

  @Test
  void aFailedResolutionIsNotHandedOn() {
    engine.accept(List.of(missing(CONFIG_MAP)), Incident.DetectedBy.WATCH, null, null);
    engine.seal();
    store.failWrites = true;
    engine.resolveRecovered(Map.of(CONFIG_MAP, present(CONFIG_MAP)));
    assertThat(resolved).isEmpty();
    assertThat(engine.openSealed()).hasSize(1);

    store.failWrites = false;
    clock.advance(IncidentEngine.MAX_RETRY);
    engine.resolveRecovered(Map.of(CONFIG_MAP, present(CONFIG_MAP)));
    assertThat(resolved).hasSize(1);
    assertThat(engine.openSealed()).isEmpty();
  }

  static SentinelResult missing(ResourceKey key) {
    return new SentinelResult(key, "sandbox", "acme", new SentinelStatus.Missing());
  }

  static SentinelResult present(ResourceKey key) {
    return new SentinelResult(key, "sandbox", "acme", new SentinelStatus.Present());
  }

  static SentinelResult degraded(ResourceKey key) {
    return new SentinelResult(
        key, "sandbox", "acme", new SentinelStatus.Degraded(List.of("terminating"), List.of()));
  }
}
