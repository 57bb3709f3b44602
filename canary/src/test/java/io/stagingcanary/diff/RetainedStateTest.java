package io.stagingcanary.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What an informer cache keeps of a live object ({@link Normalizer#retained}) judges exactly as the
 * whole object: every golden case gives the same result and the same text from reduced objects, and
 * each kind of change is still seen.
 */
class RetainedStateTest {

  static Stream<String> cases() throws IOException {
    return GoldenCases.names();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everyGoldenCaseJudgesAlikeFromRetainedObjects(String name) throws IOException {
    Path dir = GoldenCases.root().resolve(name);

    DiffResult whole = GoldenCases.run(dir, false);
    DiffResult reduced = GoldenCases.run(dir, false, Normalizer::retained);

    assertThat(reduced).isEqualTo(whole);
    assertThat(TextRenderer.render(reduced))
        .isEqualTo(Files.readString(dir.resolve("expected.txt"), StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everyLiveObjectNormalisesAlikeAndLosesItsManagedFields(String name) throws IOException {
    Path dir = GoldenCases.root().resolve(name);
    List<Map<String, Object>> live = new ArrayList<>(GoldenCases.items(dir.resolve("after.yaml")));
    if (Files.exists(dir.resolve("before.yaml"))) {
      live.addAll(GoldenCases.items(dir.resolve("before.yaml")));
    }
    for (Map<String, Object> object : live) {
      Map<String, Object> reduced = Normalizer.retained(object);

      assertThat(Normalizer.observe(reduced)).isEqualTo(Normalizer.observe(object));
      assertThat(((Map<?, ?>) reduced.get("metadata")).containsKey("managedFields")).isFalse();
    }
  }

  @Test
  void dropsWhatTheDiffNeverReads() {
    Map<String, Object> reduced =
        Normalizer.retained(
            TestObjects.yaml(
                """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: app
                  namespace: canary-acme
                  uid: u-1
                  resourceVersion: '7'
                  generation: 3
                  creationTimestamp: '2026-11-20T09:14:03Z'
                  ownerReferences: [{apiVersion: v1, kind: Namespace, name: x, uid: o-1}]
                  finalizers: [example.com/keep]
                  labels: {stagingcanary.io/sentinel: 'true'}
                  annotations:
                    kubectl.kubernetes.io/last-applied-configuration: '{"a whole copy": true}'
                    team: payments
                  managedFields:
                  - {manager: kubectl, operation: Apply, fieldsV1: {f:data: {f:mode: {}}}}
                data: {mode: live}
                binaryData: {blob: AAEC}
                immutable: false
                status: {anything: written by a controller}
                """));

    assertThat(reduced)
        .isEqualTo(
            TestObjects.yaml(
                """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: app
                  namespace: canary-acme
                  uid: u-1
                  resourceVersion: '7'
                  labels: {stagingcanary.io/sentinel: 'true'}
                  annotations: {team: payments}
                data: {mode: live}
                binaryData: {blob: AAEC}
                immutable: false
                """));
  }

  @Test
  void keepsThePhaseAndCapacityOfAClaimAndItsTermination() {
    Map<String, Object> reduced =
        Normalizer.retained(
            TestObjects.yaml(
                """
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata:
                  name: data
                  namespace: canary-acme
                  deletionTimestamp: '2026-11-20T09:15:00Z'
                spec: {volumeName: pv-1, resources: {requests: {storage: 1Gi}}}
                status:
                  phase: Lost
                  accessModes: [ReadWriteOnce]
                  capacity: {storage: 1Gi}
                  conditions: [{type: Resizing}]
                """));

    assertThat(reduced.get("status"))
        .isEqualTo(Map.of("phase", "Lost", "capacity", Map.of("storage", "1Gi")));
    assertThat(Normalizer.observe(reduced).terminating()).isTrue();
    assertThat(Normalizer.observe(reduced).volumeName()).isEqualTo("pv-1");
  }

  @Test
  void aChangedConfigMapValueIsReportedWithBothValues() {
    SentinelStatus status = judgeRetained(configMap("mode: live"), configMap("mode: changed"));

    assertThat(status).isInstanceOf(SentinelStatus.Modified.class);
    assertThat(((SentinelStatus.Modified) status).changes())
        .containsExactly(new FieldChange("data.mode", "live", "changed", "value changed"));
  }

  @Test
  void aChangedSecretValueIsReportedRedacted() {
    String seeded = secret("password: czNjcmV0IQ==");

    SentinelStatus status = judgeRetained(seeded, secret("password: b3RoZXI="));

    assertThat(status).isInstanceOf(SentinelStatus.Modified.class);
    assertThat(((SentinelStatus.Modified) status).changes())
        .containsExactly(
            new FieldChange("data.password", "<redacted>", "<redacted>", "value changed"));
    assertThat(judgeRetained(seeded, seeded)).isInstanceOf(SentinelStatus.Present.class);
  }

  @Test
  void aChangedLabelIsReported() {
    String live = configMap("mode: live").replace("tenant: acme", "tenant: other");

    SentinelStatus status = judgeRetained(configMap("mode: live"), live);

    assertThat(status).isInstanceOf(SentinelStatus.Modified.class);
    assertThat(((SentinelStatus.Modified) status).changes())
        .extracting(FieldChange::path)
        .containsExactly("metadata.labels[\"stagingcanary.io/tenant\"]");
  }

  @Test
  void aDeletedObjectIsMissing() {
    ExpectedSentinel seeded =
        ExpectedSentinel.of("paying", "acme", "u-1", TestObjects.yaml(configMap("mode: live")));

    DiffResult result =
        Diff.compare(List.of(seeded), TestObjects.snapshot(List.of(), "v1/ConfigMap"));

    assertThat(result.results().get(0).status()).isInstanceOf(SentinelStatus.Missing.class);
  }

  /** Judges the seeded manifest against the live object as a reducing cache would hold it. */
  private static SentinelStatus judgeRetained(String seeded, String live) {
    ExpectedSentinel expected =
        ExpectedSentinel.of("paying", "acme", "u-1", TestObjects.yaml(seeded));
    ObservedState observed =
        Normalizer.observe(Normalizer.retained(TestObjects.yaml(withServerFields(live))));
    return Diff.compare(List.of(expected), TestObjects.snapshot(List.of(observed)))
        .results()
        .get(0)
        .status();
  }

  private static String configMap(String data) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: app
          namespace: canary-acme
          labels: {stagingcanary.io/set: paying, stagingcanary.io/tenant: acme}
        data: {%s}
        """
        .formatted(data);
  }

  private static String secret(String data) {
    return """
        apiVersion: v1
        kind: Secret
        metadata:
          name: creds
          namespace: canary-acme
          labels: {stagingcanary.io/set: paying, stagingcanary.io/tenant: acme}
        type: Opaque
        data: {%s}
        """
        .formatted(data);
  }

  /** The object as the API server returns it: uid, resourceVersion and managedFields added. */
  private static String withServerFields(String object) {
    return object.replace(
        "  labels:",
        "  uid: u-1\n"
            + "  resourceVersion: '12'\n"
            + "  managedFields: [{manager: staging-canary, operation: Apply, fieldsV1: {f:data: {}}}]\n"
            + "  labels:");
  }
}
