package io.stagingcanary.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.zjsonpatch.JsonPatch;
import org.junit.jupiter.api.Test;

/** A merge patch becomes the JSON patch with the same effect (RFC 7386 applied per RFC 6902). */
class MergePatchesTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static final String NAMESPACE =
      """
      {"apiVersion": "v1", "kind": "Namespace",
       "metadata": {"name": "canary-acme", "resourceVersion": "7",
                    "labels": {"stagingcanary.io/sentinel": "true", "team": "blue"},
                    "annotations": {"note": "x"}}}
      """;

  @Test
  void nullRemovesAKeyAndAKeyWithASlashIsEscaped() throws Exception {
    JsonNode patched =
        apply(NAMESPACE, "{\"metadata\": {\"labels\": {\"stagingcanary.io/sentinel\": null}}}");

    assertThat(patched.at("/metadata/labels").has("stagingcanary.io/sentinel")).isFalse();
    assertThat(patched.at("/metadata/labels/team").asText()).isEqualTo("blue");
    assertThat(patched.at("/metadata/annotations/note").asText()).isEqualTo("x");
  }

  @Test
  void addsReplacesAndLeavesTheRestAlone() throws Exception {
    JsonNode patched =
        apply(
            NAMESPACE,
            "{\"metadata\": {\"labels\": {\"team\": \"red\", \"extra\": \"1\"},"
                + " \"annotations\": null}, \"spec\": {\"finalizers\": [\"kubernetes\"]}}");

    assertThat(patched.at("/metadata/labels/team").asText()).isEqualTo("red");
    assertThat(patched.at("/metadata/labels/extra").asText()).isEqualTo("1");
    assertThat(patched.at("/metadata/labels/stagingcanary.io~1sentinel").asText())
        .isEqualTo("true");
    assertThat(patched.at("/metadata").has("annotations")).isFalse();
    assertThat(patched.at("/spec/finalizers/0").asText()).isEqualTo("kubernetes");
    assertThat(patched.at("/metadata/name").asText()).isEqualTo("canary-acme");
  }

  @Test
  void aNewObjectLosesItsNullsAndRemovingWhatIsNotThereDoesNothing() throws Exception {
    JsonNode operations =
        MergePatches.toJsonPatch(
            JSON.readTree(NAMESPACE),
            JSON.readTree("{\"data\": {\"a\": \"1\", \"b\": null}, \"missing\": null}"));

    assertThat(operations).hasSize(1);
    assertThat(operations.get(0).path("op").asText()).isEqualTo("add");
    assertThat(operations.get(0).path("value").toString()).isEqualTo("{\"a\":\"1\"}");
  }

  @Test
  void aResourceVersionInThePatchIsKeptForTheConflictCheck() throws Exception {
    JsonNode patched = apply(NAMESPACE, "{\"metadata\": {\"resourceVersion\": \"6\"}}");

    assertThat(patched.at("/metadata/resourceVersion").asText()).isEqualTo("6");
  }

  @Test
  void findsStrategicMergePatchDirectivesAtAnyDepth() throws Exception {
    assertThat(MergePatches.hasDirectives(JSON.readTree("{\"data\": {\"a\": null}}"))).isFalse();
    assertThat(
            MergePatches.hasDirectives(
                JSON.readTree(
                    "{\"spec\": {\"template\": {\"spec\": {\"$setElementOrder/containers\":"
                        + " [{\"name\": \"web\"}], \"containers\": [{\"name\": \"web\"}]}}}}")))
        .isTrue();
    assertThat(
            MergePatches.hasDirectives(
                JSON.readTree("{\"spec\": {\"ports\": [{\"$patch\": \"delete\", \"port\": 80}]}}")))
        .isTrue();
  }

  private static JsonNode apply(String object, String mergePatch) throws Exception {
    JsonNode current = JSON.readTree(object);
    return JsonPatch.apply(MergePatches.toJsonPatch(current, JSON.readTree(mergePatch)), current);
  }
}
