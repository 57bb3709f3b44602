package io.stagingcanary.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubsetTest {

  private static List<FieldChange> compare(Object expected, Object actual) {
    List<FieldChange> out = new ArrayList<>();
    Subset.compare("spec", expected, actual, out);
    return out;
  }

  @Test
  void extraKeysAddedByOthersAreNotChanges() {
    assertThat(compare(Map.of("a", 1), Map.of("a", 1, "b", 2))).isEmpty();
  }

  @Test
  void missingKeyIsReportedAsRemovedWithItsPath() {
    assertThat(compare(Map.of("a", Map.of("b", "x")), Map.of("a", Map.of())))
        .containsExactly(new FieldChange("spec.a.b", "x", null, "field removed"));
  }

  @Test
  void changedNestedValueIsReportedWithFullPath() {
    assertThat(compare(Map.of("r", Map.of("s", "1Gi")), Map.of("r", Map.of("s", "2Gi"))))
        .containsExactly(new FieldChange("spec.r.s", "1Gi", "2Gi", "value changed"));
  }

  @Test
  void keysThatAreNotIdentifiersAreQuoted() {
    assertThat(compare(Map.of("app.properties", "a"), Map.of("app.properties", "b")))
        .extracting(FieldChange::path)
        .containsExactly("spec[\"app.properties\"]");
  }

  @Test
  void listsMustKeepLengthAndCompareElementWiseAsSubsets() {
    List<Object> expected = List.of(Map.of("name", "web"));
    List<Object> defaulted = List.of(Map.of("name", "web", "terminationMessagePath", "/dev/t"));
    assertThat(compare(expected, defaulted)).isEmpty();
    assertThat(compare(expected, List.of(Map.of("name", "api"))))
        .extracting(FieldChange::path)
        .containsExactly("spec[0].name");
    assertThat(compare(expected, List.of()))
        .extracting(FieldChange::reason)
        .containsExactly("items removed");
    assertThat(compare(List.of("a"), List.of("a", "b")))
        .extracting(FieldChange::reason)
        .containsExactly("items added");
  }

  @Test
  void numbersCompareNumericallyAcrossTypes() {
    assertThat(compare(1, 1L)).isEmpty();
    assertThat(compare(1, 1.0d)).isEmpty();
    assertThat(compare(new java.math.BigDecimal("2.50"), 2.5f)).isEmpty();
    assertThat(compare(1, 2L)).hasSize(1);
    assertThat(Values.scalarEquals(Double.NaN, Double.NaN)).isTrue();
    assertThat(Values.scalarEquals(Double.POSITIVE_INFINITY, 1)).isFalse();
  }

  @Test
  void aNumberAndItsStringAreNotEqual() {
    assertThat(compare(1, "1")).hasSize(1);
    assertThat(compare("1Gi", "1Gi")).isEmpty();
    assertThat(compare("1Gi", "1024Mi")).hasSize(1);
  }

  @Test
  void typeChangeIsAChange() {
    assertThat(compare(Map.of("a", 1), "a=1"))
        .containsExactly(new FieldChange("spec", Map.of("a", 1), "a=1", "value changed"));
    assertThat(compare(List.of(1), Map.of())).hasSize(1);
  }

  @Test
  void explicitNullAndEmptyContainersSetNothing() {
    Map<String, Object> expected = new HashMap<>();
    expected.put("a", null);
    expected.put("b", Map.of());
    expected.put("c", List.of());
    assertThat(compare(expected, Map.of("a", "set by someone"))).isEmpty();
  }

  @Test
  void labelsAndAnnotationsAreSubsetsToo() {
    ObservedState expected =
        TestObjects.observe(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: c
              labels: {a: "1", b: "2"}
              annotations: {note: hi}
            """);
    ObservedState actual =
        TestObjects.observe(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: c
              labels: {a: "1", b: "3", extra: x}
              annotations: {other: y}
            """);
    assertThat(Subset.changes(expected, actual))
        .containsExactly(
            new FieldChange("metadata.labels[\"b\"]", "2", "3", "label changed"),
            new FieldChange("metadata.annotations[\"note\"]", "hi", null, "annotation removed"));
  }
}
