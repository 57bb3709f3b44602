package io.stagingcanary.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NormalizerTest {

  private static final String PVC =
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
        namespace: canary-acme
        uid: u-1
        resourceVersion: "42"
        generation: 2
        creationTimestamp: "2026-11-20T09:14:03Z"
        finalizers: [kubernetes.io/pvc-protection]
        managedFields: [{manager: kube-controller-manager}]
        labels: {stagingcanary.io/tenant: acme}
        annotations:
          pv.kubernetes.io/bind-completed: "yes"
          volume.kubernetes.io/storage-provisioner: csi
          volume.beta.kubernetes.io/storage-provisioner: csi
          kubectl.kubernetes.io/last-applied-configuration: "{}"
          stagingcanary.io/note: kept
      spec:
        resources: {requests: {storage: 1Gi}}
        volumeName: pv-a
        volumeMode: Filesystem
      status:
        phase: Bound
        capacity: {storage: 2Gi}
      """;

  @Test
  void keepsIdentityLabelsAndOnlyNonVolatileAnnotations() {
    ObservedState state = TestObjects.observe(PVC);
    assertThat(state.key())
        .isEqualTo(ResourceKey.namespaced("v1", "PersistentVolumeClaim", "canary-acme", "data"));
    assertThat(state.uid()).isEqualTo("u-1");
    assertThat(state.resourceVersion()).isEqualTo("42");
    assertThat(state.labels()).containsExactly(Map.entry("stagingcanary.io/tenant", "acme"));
    assertThat(state.annotations()).containsOnlyKeys("stagingcanary.io/note");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aRetainedObjectSharesRepeatedStringsButNotItsUid() {
    Map<String, Object> retained = Normalizer.retained(TestObjects.yaml(PVC));
    Map<String, Object> metadata = (Map<String, Object>) retained.get("metadata");
    Map<String, Object> labels = (Map<String, Object>) metadata.get("labels");
    Map<String, Object> status = (Map<String, Object>) retained.get("status");

    assertThat(retained.get("kind")).isSameAs("PersistentVolumeClaim");
    assertThat(metadata.get("namespace")).isSameAs("canary-acme");
    assertThat(labels.get("stagingcanary.io/tenant")).isSameAs("acme");
    assertThat(status.get("phase")).isSameAs("Bound");
    assertThat(metadata.get("uid")).isEqualTo("u-1").isNotSameAs("u-1");
    assertThat(Normalizer.observe(retained)).isEqualTo(TestObjects.observe(PVC));
  }

  @Test
  void contentHasNoMetadataNoStatusAndNoPvcBinding() {
    ObservedState state = TestObjects.observe(PVC);
    assertThat(state.content()).containsOnlyKeys("spec");
    assertThat(ExpectedSentinelTest.stringMap(state.content().get("spec")))
        .containsOnlyKeys("resources", "volumeMode");
  }

  @Test
  void keepsThePvcStatusFieldsTheDiffJudges() {
    ObservedState state = TestObjects.observe(PVC);
    assertThat(state.phase()).isEqualTo("Bound");
    assertThat(state.volumeName()).isEqualTo("pv-a");
    assertThat(state.capacity()).isEqualTo("2Gi");
    assertThat(state.terminating()).isFalse();
  }

  @Test
  void otherKindsHaveNoPvcFieldsAndKeepVolumeNameInContent() {
    ObservedState state =
        TestObjects.observe(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: n, deletionTimestamp: "2026-11-22T03:00:00Z"}
            spec: {volumeName: x}
            status: {phase: Running}
            """);
    assertThat(state.phase()).isNull();
    assertThat(state.volumeName()).isNull();
    assertThat(state.content()).containsKey("spec");
    assertThat(state.terminating()).isTrue();
  }

  @Test
  void rejectsObjectsWithoutIdentity() {
    assertThatThrownBy(() -> TestObjects.observe("kind: ConfigMap\nmetadata: {name: x}"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void stateIsImmutable() {
    ObservedState state = TestObjects.observe(PVC);
    Map<?, ?> spec = (Map<?, ?>) state.content().get("spec");
    assertThatThrownBy(() -> spec.clear()).isInstanceOf(UnsupportedOperationException.class);
  }
}
