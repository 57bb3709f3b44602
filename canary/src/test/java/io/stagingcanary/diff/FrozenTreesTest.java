package io.stagingcanary.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrozenTreesTest {

  @Test
  void aFrozenCopyEqualsItsSourceKeepsOrderAndNullsAndCannotBeChanged() {
    Map<String, Object> source = manifest("acme", "1");
    source.put("nothing", null);

    Map<String, Object> frozen = FrozenTrees.map(source);

    assertThat(frozen).isEqualTo(source).hasSameHashCodeAs(source);
    assertThat(source).isEqualTo(frozen);
    assertThat(frozen.keySet())
        .containsExactly("apiVersion", "kind", "metadata", "data", "nothing");
    assertThat(frozen).containsKey("nothing").doesNotContainKey("missing");
    assertThat(frozen.get("nothing")).isNull();
    assertThatThrownBy(() -> frozen.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    List<Object> finalizers =
        (List<Object>) ((Map<String, Object>) frozen.get("metadata")).get("finalizers");
    assertThat(finalizers).containsExactly("a", null, "b");
    assertThatThrownBy(() -> finalizers.add("c")).isInstanceOf(UnsupportedOperationException.class);
    ((Map<String, Object>) source.get("data")).put("later", "changed");
    assertThat(frozen.get("data")).as("a copy, not a view").isEqualTo(Map.of("value", "1"));
  }

  @Test
  void aMapOfManyKeysIsLookedUpByIndexInOrder() {
    Map<String, Object> source = new LinkedHashMap<>();
    for (int i = 20; i > 0; i--) {
      source.put("key-" + i, i);
    }
    Map<String, Object> frozen = FrozenTrees.map(source);
    for (int i = 1; i <= 20; i++) {
      assertThat(frozen.get("key-" + i)).isEqualTo(i);
    }
    assertThat(frozen.get("key-21")).isNull();
    assertThat(List.copyOf(frozen.keySet())).isEqualTo(List.copyOf(source.keySet()));
  }

  @Test
  void aFrozenTreeIsNotCopiedAgain() {
    Map<String, Object> frozen = FrozenTrees.map(manifest("acme", "1"));
    assertThat(FrozenTrees.map(frozen)).isSameAs(frozen);
    assertThat(FrozenTrees.of(frozen.get("metadata"))).isSameAs(frozen.get("metadata"));
  }

  @Test
  void sharingTakesEveryEqualSubtreeFromTheOtherTree() {
    Map<String, Object> fixture = FrozenTrees.map(manifest("acme", "1"));
    Map<String, Object> seeded = manifest("acme", "1");
    metadata(seeded).put("annotations", new LinkedHashMap<>(Map.of("seeded-at", "2026-12-03")));

    Map<String, Object> expected = FrozenTrees.sharing(seeded, fixture);

    assertThat(expected).isEqualTo(seeded);
    assertThat(expected.get("data")).isSameAs(fixture.get("data"));
    assertThat(metadata(expected).get("labels")).isSameAs(metadata(fixture).get("labels"));
    assertThat(metadata(expected).get("finalizers")).isSameAs(metadata(fixture).get("finalizers"));
    assertThat(expected.get("metadata")).isNotSameAs(fixture.get("metadata"));
    assertThat(FrozenTrees.sharing(manifest("acme", "1"), fixture))
        .as("an equal tree is the other tree")
        .isSameAs(fixture);
  }

  @Test
  void sharingNeverTakesADifferentValue() {
    Map<String, Object> fixture = FrozenTrees.map(manifest("acme", "1"));
    Map<String, Object> other = manifest("initech", "2");
    ((Map<String, Object>) other.get("data")).put("value", 2L);

    Map<String, Object> expected = FrozenTrees.sharing(other, fixture);

    assertThat(expected).isEqualTo(other);
    assertThat(((Map<?, ?>) expected.get("data")).get("value")).isEqualTo(2L);
    assertThat(metadata(expected).get("labels")).isEqualTo(Map.of("tenant", "initech"));
  }

  @Test
  void keysAndShortStringsAreInterned() {
    Map<String, Object> frozen =
        FrozenTrees.map(Map.of(new String("labels".toCharArray()), new String("v1".toCharArray())));
    String key = frozen.keySet().iterator().next();
    assertThat(key).isSameAs("labels");
    assertThat(frozen.get("labels")).isSameAs("v1");
    String long65 = "x".repeat(FrozenTrees.INTERN_LIMIT + 1);
    Object kept = FrozenTrees.of(new String(long65.toCharArray()));
    assertThat(kept).isEqualTo(long65).isNotSameAs(long65.intern());
  }

  private static Map<String, Object> manifest(String tenant, String value) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", "canary-settings");
    metadata.put("labels", new LinkedHashMap<>(Map.of("tenant", tenant)));
    metadata.put("finalizers", new ArrayList<>(Arrays.asList("a", null, "b")));
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("apiVersion", "v1");
    manifest.put("kind", "ConfigMap");
    manifest.put("metadata", metadata);
    manifest.put("data", new LinkedHashMap<>(Map.of("value", value)));
    return manifest;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> metadata(Map<String, Object> manifest) {
    return (Map<String, Object>) manifest.get("metadata");
  }
}
