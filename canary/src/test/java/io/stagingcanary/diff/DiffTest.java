package io.stagingcanary.diff;

import static io.stagingcanary.diff.TestObjects.configMap;
import static io.stagingcanary.diff.TestObjects.observe;
import static io.stagingcanary.diff.TestObjects.snapshot;
import static io.stagingcanary.diff.TestObjects.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DiffTest {

  private static final String CM = configMap("canary-acme", "settings", "u-1", "acme", "fast");

  private static ExpectedSentinel sentinel(String manifest, String uid) {
    return ExpectedSentinel.of("paying", "acme", uid, yaml(manifest));
  }

  private static SentinelStatus only(DiffResult result) {
    assertThat(result.results()).hasSize(1);
    return result.results().get(0).status();
  }

  @Test
  void unobservedKindIsUnknownNotMissing() {
    Snapshot blind =
        Snapshot.of(
            Instant.EPOCH, List.of(), Set.of(), Map.of("v1/ConfigMap", "informer not synced"));
    assertThat(only(Diff.compare(List.of(sentinel(CM, "u-1")), blind)))
        .isEqualTo(new SentinelStatus.Unknown("informer not synced"));
    Snapshot neverListed = Snapshot.of(Instant.EPOCH, List.of(), Set.of(), Map.of());
    assertThat(only(Diff.compare(List.of(sentinel(CM, "u-1")), neverListed)))
        .isEqualTo(new SentinelStatus.Unknown("kind not observed"));
  }

  @Test
  void absentObjectOfAnObservedKindIsMissing() {
    Snapshot empty = snapshot(List.of(), "v1/ConfigMap");
    DiffResult result = Diff.compare(List.of(sentinel(CM, "u-1")), empty);
    assertThat(only(result)).isInstanceOf(SentinelStatus.Missing.class);
    assertThat(result.results().get(0).set()).isEqualTo("paying");
    assertThat(result.results().get(0).tenant()).isEqualTo("acme");
  }

  @Test
  void replacedWinsOverDegradedAndModified() {
    String other = configMap("canary-acme", "settings", "u-2", "acme", "slow");
    ObservedState terminating = withDeletion(observe(other));
    assertThat(only(Diff.compare(List.of(sentinel(CM, "u-1")), snapshot(List.of(terminating)))))
        .isEqualTo(new SentinelStatus.Replaced("u-1", "u-2"));
  }

  @Test
  void unknownLedgerUidCannotJudgeReplacement() {
    String other = configMap("canary-acme", "settings", "u-2", "acme", "fast");
    assertThat(only(Diff.compare(List.of(sentinel(CM, null)), snapshot(List.of(observe(other))))))
        .isInstanceOf(SentinelStatus.Present.class);
  }

  @Test
  void degradedKeepsItsModifications() {
    ObservedState live =
        withDeletion(observe(configMap("canary-acme", "settings", "u-1", "acme", "slow")));
    SentinelStatus status =
        only(Diff.compare(List.of(sentinel(CM, "u-1")), snapshot(List.of(live))));
    assertThat(status).isInstanceOf(SentinelStatus.Degraded.class);
    SentinelStatus.Degraded degraded = (SentinelStatus.Degraded) status;
    assertThat(degraded.reasons()).containsExactly("terminating (deletionTimestamp T)");
    assertThat(degraded.changes())
        .containsExactly(new FieldChange("data.mode", "fast", "slow", "value changed"));
  }

  @Test
  void betweenTakesSetAndTenantFromBaselineLabelsAndJudgesVolumeChangeAsDegraded() {
    String pvc =
        """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data
          namespace: canary-acme
          uid: u-9
          labels: {stagingcanary.io/set: paying, stagingcanary.io/tenant: acme}
        spec: {volumeName: %s, resources: {requests: {storage: 1Gi}}}
        status: {phase: Bound}
        """;
    ObservedState before = observe(pvc.formatted("pv-a"));
    ObservedState after = observe(pvc.formatted("pv-b"));
    DiffResult result =
        Diff.between(snapshot(List.of(before)), snapshot(List.of(after)), Set.of(before.key()));
    SentinelResult r = result.results().get(0);
    assertThat(r.set()).isEqualTo("paying");
    assertThat(r.tenant()).isEqualTo("acme");
    assertThat(r.status())
        .isEqualTo(
            new SentinelStatus.Degraded(
                List.of("bound to a different volume (pv-a → pv-b)"), List.of()));
  }

  @Test
  void betweenComparesFieldsOnlyWhenTheServersVersionOrUidMoved() {
    String cm =
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: n, uid: %s, resourceVersion: '%s'}
        data: {mode: %s}
        """;
    ObservedState before = observe(cm.formatted("u-1", "7", "strict"));
    Set<ResourceKey> keys = Set.of(before.key());
    // A cached and a listed copy of one version may differ in form (an empty list left out of a
    // watch event): one version is one object.
    assertThat(
            only(
                Diff.between(
                    snapshot(List.of(before)),
                    snapshot(List.of(observe(cm.formatted("u-1", "7", "lax")))),
                    keys)))
        .isInstanceOf(SentinelStatus.Present.class);
    assertThat(
            only(
                Diff.between(
                    snapshot(List.of(before)),
                    snapshot(List.of(observe(cm.formatted("u-1", "8", "lax")))),
                    keys)))
        .isInstanceOf(SentinelStatus.Modified.class);
    assertThat(
            only(
                Diff.between(
                    snapshot(List.of(before)),
                    snapshot(List.of(observe(cm.formatted("u-2", "7", "strict")))),
                    keys)))
        .isInstanceOf(SentinelStatus.Replaced.class);
  }

  @Test
  void betweenReportsOnlyDegradationThatIsNewSinceTheBaseline() {
    String pvc =
        """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data, namespace: n, uid: u-9}
        status: {phase: %s}
        """;
    ObservedState bound = observe(pvc.formatted("Bound"));
    ObservedState lost = observe(pvc.formatted("Lost"));
    Set<ResourceKey> keys = Set.of(bound.key());
    assertThat(only(Diff.between(snapshot(List.of(lost)), snapshot(List.of(lost)), keys)))
        .isInstanceOf(SentinelStatus.Present.class);
    assertThat(only(Diff.between(snapshot(List.of(bound)), snapshot(List.of(lost)), keys)))
        .isEqualTo(
            new SentinelStatus.Degraded(List.of("PVC phase Lost (its volume is gone)"), List.of()));
  }

  @Test
  void betweenWithBlindBaselineIsUnknownAndAbsentBaselineIsAFinding() {
    ObservedState cm = observe(CM);
    Snapshot blindBefore =
        Snapshot.of(Instant.EPOCH, List.of(), Set.of(), Map.of("v1/ConfigMap", "forbidden"));
    assertThat(only(Diff.between(blindBefore, snapshot(List.of(cm)), Set.of(cm.key()))))
        .isEqualTo(new SentinelStatus.Unknown("not observed at baseline: forbidden"));

    DiffResult notAtBaseline =
        Diff.between(snapshot(List.of(), "v1/ConfigMap"), snapshot(List.of(cm)), Set.of(cm.key()));
    assertThat(notAtBaseline.results()).isEmpty();
    assertThat(notAtBaseline.findings()).containsExactly(new Finding.NotAtBaseline(cm.key()));
    assertThat(notAtBaseline.isClean()).isTrue();
  }

  @Test
  void noOrphanWhenTheProjectIsGoneToo() {
    String user =
        "apiVersion: user.openshift.io/v1\nkind: User\nmetadata: {name: alice}\nfullName: A";
    String ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: canary-acme}";
    List<ExpectedSentinel> ledger = List.of(sentinel(user, "u-u"), sentinel(ns, "u-n"));
    Snapshot onlyNamespace =
        snapshot(
            List.of(
                observe(
                    "apiVersion: v1\nkind: Namespace\nmetadata: {name: canary-acme, uid: u-n}")),
            "user.openshift.io/v1/User");
    assertThat(Diff.compare(ledger, onlyNamespace).findings())
        .containsExactly(
            new Finding.Orphaned(
                ResourceKey.clusterScoped("v1", "Namespace", "canary-acme"),
                "paying",
                "acme",
                "alice"));
    Snapshot nothing = snapshot(List.of(), "user.openshift.io/v1/User", "v1/Namespace");
    assertThat(Diff.compare(ledger, nothing).findings()).isEmpty();
  }

  @Test
  void countsAndChanges() {
    ObservedState modified = observe(configMap("canary-acme", "settings", "u-1", "acme", "slow"));
    String second = configMap("canary-acme", "other", "u-3", "acme", "fast");
    DiffResult result =
        Diff.compare(
            List.of(sentinel(CM, "u-1"), sentinel(second, "u-3")),
            snapshot(List.of(modified), "v1/ConfigMap"));
    assertThat(result.isClean()).isFalse();
    assertThat(result.changes()).hasSize(2);
    assertThat(result.countsByStatus())
        .containsEntry(StatusType.MISSING, 1)
        .containsEntry(StatusType.MODIFIED, 1)
        .containsEntry(StatusType.PRESENT, 0);
    assertThat(result.lostByKind()).containsExactly(Map.entry("ConfigMap", 1));
    assertThat(result.countsByKind(t -> t == StatusType.MODIFIED))
        .containsExactly(Map.entry("ConfigMap", 1));
  }

  private static ObservedState withDeletion(ObservedState s) {
    return new ObservedState(
        s.key(),
        s.uid(),
        s.resourceVersion(),
        s.labels(),
        s.annotations(),
        s.content(),
        "T",
        s.phase(),
        s.volumeName(),
        s.capacity());
  }
}
