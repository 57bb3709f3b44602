package io.stagingcanary.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpectedSentinelTest {

  @Test
  void secretStringDataIsComparedAsBase64DataAndOverridesData() {
    ExpectedSentinel secret =
        ExpectedSentinel.of(
            "paying",
            "acme",
            "u-1",
            TestObjects.yaml(
                """
                apiVersion: v1
                kind: Secret
                metadata: {name: creds, namespace: canary-acme}
                type: Opaque
                data: {id: Y2FuYXJ5, password: b2xk}
                stringData: {password: "s3cret!", note: "é"}
                """));
    assertThat(secret.expectedContent())
        .containsEntry("type", "Opaque")
        .doesNotContainKey("stringData");
    assertThat(stringMap(secret.expectedContent().get("data")))
        .containsExactly(
            Map.entry("id", "Y2FuYXJ5"),
            Map.entry("password", "czNjcmV0IQ=="),
            Map.entry("note", "w6k="));
  }

  @Test
  void otherKindsKeepAFieldNamedStringData() {
    ExpectedSentinel cm =
        ExpectedSentinel.of(
            "s",
            "t",
            null,
            TestObjects.yaml(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nstringData: {a: b}"));
    assertThat(cm.expectedContent()).containsEntry("stringData", Map.of("a", "b"));
  }

  @Test
  void expectedLabelsAndAnnotationsComeFromTheManifestWithoutServerAnnotations() {
    ExpectedSentinel ns =
        ExpectedSentinel.of(
            "s",
            "t",
            "u",
            TestObjects.yaml(
                """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: canary-acme
                  labels: {stagingcanary.io/tenant: acme}
                  annotations:
                    openshift.io/requester: alice
                    kubectl.kubernetes.io/last-applied-configuration: "{}"
                """));
    assertThat(ns.key()).isEqualTo(ResourceKey.clusterScoped("v1", "Namespace", "canary-acme"));
    assertThat(ns.expectedLabels()).containsExactly(Map.entry("stagingcanary.io/tenant", "acme"));
    assertThat(ns.expectedAnnotations())
        .containsExactly(Map.entry("openshift.io/requester", "alice"));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> stringMap(Object value) {
    return (Map<String, Object>) value;
  }
}
