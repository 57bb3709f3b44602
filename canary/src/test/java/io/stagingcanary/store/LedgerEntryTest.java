package io.stagingcanary.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagingcanary.diff.ResourceKey;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LedgerEntryTest {

  static final ResourceKey KEY = ResourceKey.namespaced("v1", "ConfigMap", "t", "cm");
  static final String SHA = "ab".repeat(32);
  static final Instant NANOS = Instant.parse("2026-01-02T03:04:05.123456789Z");

  static LedgerEntry entry(String clusterId, String fingerprint, int generation) {
    return new LedgerEntry(
        clusterId, KEY, "set", "team", "uid", "1", fingerprint, "{}", NANOS, generation);
  }

  @Test
  void keepsMicrosecondsOnly() {
    LedgerEntry entry = entry("c1", SHA, 1);

    assertThat(entry.seededAt()).isEqualTo(Instant.parse("2026-01-02T03:04:05.123456Z"));
    assertThat(entry)
        .isEqualTo(
            new LedgerEntry(
                "c1",
                KEY,
                "set",
                "team",
                "uid",
                "1",
                SHA,
                "{}",
                Instant.parse("2026-01-02T03:04:05.123456999Z"),
                1));
  }

  @Test
  void rejectsMissingOrInvalidFields() {
    assertThatThrownBy(() -> entry(null, SHA, 1)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> entry(" ", SHA, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> entry("c1", "", 1)).hasMessageContaining("fingerprint");
    assertThatThrownBy(() -> entry("c1", SHA, 0)).hasMessageContaining("generation");
    assertThatThrownBy(
            () -> new LedgerEntry("c1", null, "set", "team", null, null, SHA, "{}", NANOS, 1))
        .hasMessage("key");
    assertThatThrownBy(
            () -> new LedgerEntry("c1", KEY, "set", "team", null, null, SHA, null, NANOS, 1))
        .hasMessage("manifestJson");
    assertThatThrownBy(
            () -> new LedgerEntry("c1", KEY, "set", "team", null, null, SHA, "{}", null, 1))
        .hasMessage("seededAt");
  }

  @Test
  void reseededBumpsTheGenerationAndKeepsTheIdentity() {
    LedgerEntry next =
        entry("c1", SHA, 4)
            .reseeded("uid-2", "2", "cd".repeat(32), "{\"v\":2}", NANOS.plusSeconds(1));

    assertThat(next.generation()).isEqualTo(5);
    assertThat(next.key()).isEqualTo(KEY);
    assertThat(next.set()).isEqualTo("set");
    assertThat(next.uid()).isEqualTo("uid-2");
    assertThat(next.fingerprint()).isEqualTo("cd".repeat(32));
  }
}
