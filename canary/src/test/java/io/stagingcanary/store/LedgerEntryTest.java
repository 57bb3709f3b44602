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
    return LedgerEntry.builder()
        .clusterId(clusterId)
        .key(KEY)
        .owner("set", "team")
        .server("uid", "1")
        .content(fingerprint, "{}")
        .seededAt(NANOS)
        .generation(generation)
        .build();
  }

  @Test
  void keepsMicrosecondsOnly() {
    LedgerEntry entry = entry("c1", SHA, 1);

    assertThat(entry.seededAt()).isEqualTo(Instant.parse("2026-01-02T03:04:05.123456Z"));
    assertThat(entry)
        .isEqualTo(
            LedgerEntry.builder()
                .clusterId("c1")
                .key(KEY)
                .owner("set", "team")
                .server("uid", "1")
                .content(SHA, "{}")
                .seededAt(Instant.parse("2026-01-02T03:04:05.123456999Z"))
                .build());
  }

  @Test
  void rejectsMissingOrInvalidFields() {
    assertThatThrownBy(() -> entry(null, SHA, 1)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> entry(" ", SHA, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> entry("c1", "", 1)).hasMessageContaining("fingerprint");
    assertThatThrownBy(() -> entry("c1", SHA, 0)).hasMessageContaining("generation");
    assertThatThrownBy(
            () ->
                LedgerEntry.builder()
                    .clusterId("c1")
                    .key(null)
                    .owner("set", "team")
                    .content(SHA, "{}")
                    .seededAt(NANOS)
                    .build())
        .hasMessage("key");
    assertThatThrownBy(
            () ->
                LedgerEntry.builder()
                    .clusterId("c1")
                    .key(KEY)
                    .owner("set", "team")
                    .content(SHA, null)
                    .seededAt(NANOS)
                    .build())
        .hasMessage("manifestJson");
    assertThatThrownBy(
            () ->
                LedgerEntry.builder()
                    .clusterId("c1")
                    .key(KEY)
                    .owner("set", "team")
                    .content(SHA, "{}")
                    .seededAt(null)
                    .build())
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
