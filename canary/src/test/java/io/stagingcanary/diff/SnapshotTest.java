package io.stagingcanary.diff;

import static io.stagingcanary.diff.TestObjects.configMap;
import static io.stagingcanary.diff.TestObjects.observe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SnapshotTest {

  private static final Instant AT = Instant.parse("2026-12-03T14:00:00Z");

  @Test
  void objectsAreInKeyOrderWhateverOrderTheyWereListedIn() {
    List<ObservedState> listed = new ArrayList<>();
    for (int tenant = 0; tenant < 20; tenant++) {
      for (int i = 0; i < 20; i++) {
        listed.add(observe(configMap("t" + tenant, "cm-" + i, "u-" + tenant + "-" + i, null, "a")));
      }
    }
    Collections.shuffle(listed, new Random(3));

    Snapshot snapshot = Snapshot.of(AT, listed, Set.of("v1/ConfigMap"), Map.of());

    List<ResourceKey> sorted = new ArrayList<>(listed.stream().map(ObservedState::key).toList());
    sorted.sort(null);
    assertThat(snapshot.objects().keySet()).containsExactlyElementsOf(sorted);
    for (ObservedState state : listed) {
      assertThat(snapshot.get(state.key())).isSameAs(state);
    }
    assertThat(snapshot.get(ResourceKey.namespaced("v1", "ConfigMap", "t0", "absent"))).isNull();
  }

  @Test
  void aKeyListedTwiceKeepsTheLastStateAndTheObjectsCannotBeChanged() {
    ObservedState first = observe(configMap("a", "settings", "u-1", null, "a"));
    ObservedState second = observe(configMap("a", "settings", "u-2", null, "b"));

    Snapshot snapshot = Snapshot.of(AT, List.of(first, second), Set.of("v1/ConfigMap"), Map.of());

    assertThat(snapshot.objects()).hasSize(1);
    assertThat(snapshot.get(first.key()).uid()).isEqualTo("u-2");
    assertThatThrownBy(() -> snapshot.objects().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
