package io.stagingcanary.verification;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelResult;
import io.stagingcanary.diff.SentinelStatus;
import io.stagingcanary.diff.StatusType;
import io.stagingcanary.incident.Incident;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Grouping of changes into incidents: one per window, escalations join, blind never opens. */
class IncidentAssemblerTest {

  static final ClusterIdentity CLUSTER = new ClusterIdentity("c-1", "staging", "https://k8s");
  static final ResourceKey NAMESPACE = ResourceKey.clusterScoped("v1", "Namespace", "canary-acme");
  static final ResourceKey CONFIG_MAP =
      ResourceKey.namespaced("v1", "ConfigMap", "canary-acme", "settings");
  static final ResourceKey CLAIM =
      ResourceKey.namespaced("v1", "PersistentVolumeClaim", "canary-acme", "data");
  static final ResourceKey OTHER = ResourceKey.namespaced("v1", "Secret", "canary-globex", "creds");

  InMemoryIncidentStore store;
  List<Incident> sealed;
  List<Incident> resolved;
  IncidentAssembler assembler;

  @BeforeEach
  void setUp() {
    store = new InMemoryIncidentStore();
    sealed = new ArrayList<>();
    resolved = new ArrayList<>();
    assembler = newAssembler();
    assembler.restore(CLUSTER);
  }

  IncidentAssembler newAssembler() {
    return new IncidentAssembler(
        store,
        Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC),
        sealed::add,
        resolved::add);
  }

  @Test
  void changesWithinTheWindowFormOneIncidentSealedOnce() {
    List<String> first =
        assembler.accept(List.of(missing(CONFIG_MAP)), Incident.DetectedBy.WATCH, null, null);
    List<String> second =
        assembler.accept(
            List.of(missing(CLAIM), missing(NAMESPACE)), Incident.DetectedBy.WATCH, null, null);

    assertThat(first).hasSize(1);
    assertThat(second).as("joins the incident still collecting").isEmpty();
    assertThat(store.incidents).hasSize(1);
    assertThat(store.incidents.values().iterator().next().sealedAt()).isNull();

    assembler.seal();

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
    assembler.accept(List.of(missing(CONFIG_MAP)), Incident.DetectedBy.WATCH, null, null);
    assembler.seal();
    List<String> opened =
        assembler.accept(List.of(missing(OTHER)), Incident.DetectedBy.WATCH, null, null);
    assembler.seal();

    assertThat(opened).hasSize(1);
    assertThat(sealed).hasSize(2);
  }

  @Test
  void theSameLossSeenAgainIsNotReportedAgain() {
    assembler.accept(List.of(missing(CONFIG_MAP)), Incident.DetectedBy.WATCH, null, null);
    assembler.seal();
    List<String> again =
        assembler.accept(
            List.of(missing(CONFIG_MAP)), Incident.DetectedBy.VERIFICATION, null, null);

    assertThat(again).isEmpty();
    assertThat(sealed).hasSize(1);
  }

  @Test
  void aTerminatingNamespaceThatIsThenGoneUpdatesItsIncidentInsteadOfOpeningAnother() {
    assembler.accept(List.of(degraded(NAMESPACE)), Incident.DetectedBy.WATCH, null, null);
    assembler.seal();
    List<String> opened =
        assembler.accept(List.of(missing(NAMESPACE)), Incident.DetectedBy.WATCH, null, null);

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
    assembler.accept(List.of(degraded(NAMESPACE)), Incident.DetectedBy.WATCH, null, null);
    assembler.seal();
    List<String> opened =
        assembler.accept(
            List.of(missing(NAMESPACE), missing(CONFIG_MAP), missing(CLAIM)),
            Incident.DetectedBy.WATCH,
            null,
            null);
    List<String> elsewhere =
        assembler.accept(List.of(missing(OTHER)), Incident.DetectedBy.WATCH, null, null);

    assertThat(opened).as("the namespace's contents join its incident").isEmpty();
    assertThat(elsewhere).as("another namespace is another incident").hasSize(1);
    Incident stored = store.find(sealed.get(0).id()).orElseThrow();
    assertThat(stored.items())
        .extracting(Incident.Item::key)
        .containsExactlyInAnyOrder(NAMESPACE, CONFIG_MAP, CLAIM);
    assertThat(stored.items()).extracting(Incident.Item::status).containsOnly(StatusType.MISSING);
    assertThat(assembler.isReported(CONFIG_MAP)).isTrue();
  }

  @Test
  void blindIsNeverALoss() {
    List<String> opened =
        assembler.accept(
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
    assembler.accept(
        List.of(missing(CONFIG_MAP), missing(CLAIM)), Incident.DetectedBy.WATCH, null, null);
    assembler.seal();
    Map<ResourceKey, SentinelResult> current = new HashMap<>();
    current.put(CONFIG_MAP, present(CONFIG_MAP));
    current.put(CLAIM, missing(CLAIM));

    assembler.resolveRecovered(current);
    assertThat(resolved).isEmpty();

    current.put(CLAIM, present(CLAIM));
    assembler.resolveRecovered(current);
    assembler.resolveRecovered(current);
    assertThat(resolved).hasSize(1);
    assertThat(store.find(sealed.get(0).id()).orElseThrow().resolvedAt()).isNotNull();
  }

  @Test
  void aRestartRestoresOpenIncidentsAndSealsOneLeftCollecting() {
    assembler.accept(List.of(missing(CONFIG_MAP)), Incident.DetectedBy.WATCH, null, null);
    // The agent dies before the window closes.
    IncidentAssembler restarted = newAssembler();
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
    assembler.accept(List.of(missing(CONFIG_MAP)), Incident.DetectedBy.VERIFICATION, from, to);
    assembler.seal();

    assertThat(sealed.get(0).blindFrom()).isEqualTo(from);
    assertThat(sealed.get(0).blindTo()).isEqualTo(to);
  }

  @Test
  void aLossInsideANamespaceReportedOnlyAsModifiedOpensItsOwnIncident() {
    assembler.accept(
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
    assembler.seal();

    List<String> opened =
        assembler.accept(List.of(missing(CONFIG_MAP)), Incident.DetectedBy.WATCH, null, null);

    assertThat(opened).as("a new loss gets its own incident and page").hasSize(1);
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
