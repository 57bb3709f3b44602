package io.stagingcanary.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stagingcanary.diff.Normalizer;
import io.stagingcanary.diff.ObservedState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectMapsTest {

  private static final String CONFIG_MAP =
      """
      {"apiVersion": "v1", "kind": "ConfigMap",
       "metadata": {"name": "settings", "namespace": "canary-acme", "uid": "u-1",
         "resourceVersion": "42", "creationTimestamp": "2026-12-03T10:00:00Z", "generation": 3,
         "labels": {"stagingcanary.io/sentinel": "true", "stagingcanary.io/tenant": "acme"},
         "annotations": {"note": "kept",
           "kubectl.kubernetes.io/last-applied-configuration": "{}"},
         "ownerReferences": [{"apiVersion": "v1", "kind": "Namespace", "name": "x", "uid": "o"}],
         "finalizers": ["a/b"],
         "managedFields": [{"manager": "kubectl", "operation": "Update",
           "fieldsV1": {"f:data": {"f:mode": {}}}}]},
       "data": {"mode": "a", "empty": ""}, "immutable": false}
      """;

  private static final String PVC =
      """
      {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
       "metadata": {"name": "data", "namespace": "canary-acme", "uid": "u-2",
         "resourceVersion": "7"},
       "spec": {"accessModes": ["ReadWriteOnce"], "volumeName": "pv-1",
         "resources": {"requests": {"storage": "1Gi"}}},
       "status": {"phase": "Bound", "capacity": {"storage": "1Gi"}}}
      """;

  private static final String TERMINATING_NAMESPACE =
      """
      {"apiVersion": "v1", "kind": "Namespace",
       "metadata": {"name": "canary-acme", "uid": "u-3", "resourceVersion": "9",
         "deletionTimestamp": "2026-12-03T11:00:00Z", "labels": {}},
       "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Terminating"}}
      """;

  private static final String SECRET_WITHOUT_LABELS =
      """
      {"apiVersion": "v1", "kind": "Secret",
       "metadata": {"name": "token", "namespace": "canary-acme"},
       "type": "Opaque", "data": {"k": "dg=="}, "stringData": null,
       "custom": {"n": 1, "f": 1.5, "big": 12345678901, "list": [1, "x", true, null, {"a": []}]}}
      """;

  @ParameterizedTest
  @ValueSource(strings = {CONFIG_MAP, PVC, TERMINATING_NAMESPACE, SECRET_WITHOUT_LABELS})
  void observesWhatTheJacksonRoundTripObserves(String json) {
    GenericKubernetesResource resource =
        Serialization.unmarshal(json, GenericKubernetesResource.class);

    ObservedState fast = ObjectMaps.observe(resource);

    assertThat(fast).isEqualTo(Normalizer.observe(ObjectMaps.toMap(resource)));
  }

  @Test
  void keepsTheMetadataTheDiffReadsAndLeavesOutTheRest() {
    GenericKubernetesResource resource =
        Serialization.unmarshal(CONFIG_MAP, GenericKubernetesResource.class);

    ObservedState state = ObjectMaps.observe(resource);

    assertThat(state.uid()).isEqualTo("u-1");
    assertThat(state.resourceVersion()).isEqualTo("42");
    assertThat(state.labels()).containsEntry("stagingcanary.io/tenant", "acme");
    assertThat(state.annotations()).containsEntry("note", "kept");
    assertThat(state.content()).containsKeys("data", "immutable").doesNotContainKey("metadata");
    assertThat(ObjectMaps.observable(resource).get("metadata"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .doesNotContainKeys("managedFields", "ownerReferences", "creationTimestamp");
  }

  @Test
  void anObjectBuiltInCodeWithATypedValueTakesTheRoundTrip() {
    GenericKubernetesResource resource =
        Serialization.unmarshal(CONFIG_MAP, GenericKubernetesResource.class);
    resource.setAdditionalProperty("port", new IntOrString(8080));

    ObservedState state = ObjectMaps.observe(resource);

    assertThat(state.content().get("port")).isEqualTo(8080);
    assertThat(state).isEqualTo(Normalizer.observe(ObjectMaps.toMap(resource)));
  }
}
