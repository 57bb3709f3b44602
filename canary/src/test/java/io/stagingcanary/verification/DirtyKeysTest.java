package io.stagingcanary.verification;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.diff.ResourceKey;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DirtyKeysTest {

  static final Instant T0 = Instant.parse("2026-12-03T08:00:00Z");
  static final ResourceKey A = ResourceKey.namespaced("v1", "ConfigMap", "t1", "a");
  static final ResourceKey B = ResourceKey.namespaced("v1", "ConfigMap", "t1", "b");

  final DirtyKeys dirty = new DirtyKeys();

  @Test
  void aBurstIsOneDrainThatKeepsTheEarliestEventOfEachKey() {
    assertThat(dirty.mark(A, T0.plusMillis(20))).isTrue();
    assertThat(dirty.mark(A, T0)).isFalse();
    assertThat(dirty.mark(B, T0.plusMillis(5))).isFalse();

    assertThat(dirty.take()).isEqualTo(Map.of(A, T0, B, T0.plusMillis(5)));
    assertThat(dirty.claimDrain()).as("nothing left").isFalse();
    assertThat(dirty.mark(B, T0.plusMillis(30))).as("after the take, a new drain").isTrue();
  }

  @Test
  void keysOfADrainThatDidNotRunWaitForTheNextOne() {
    dirty.mark(A, T0);
    assertThat(dirty.mark(B, T0)).isFalse();

    dirty.forgetDrain();

    assertThat(dirty.claimDrain()).isTrue();
    assertThat(dirty.take()).containsOnlyKeys(A, B);
  }
}
