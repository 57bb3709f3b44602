package io.stagingcanary.verification;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.metrics.SentinelGroup;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the sentinel gauges show: counts per set, kind and state, and the environment's age. */
class VerificationMetricsTest {

  static final Instant NOW = Instant.parse("2026-11-22T08:00:00Z");
  static final Instant MONTH_AGO = NOW.minus(Duration.ofDays(30));
  static final Instant WEEK_AGO = NOW.minus(Duration.ofDays(7));

  static SentinelView view(String set, String kind, SentinelState state, Instant seededAt) {
    return new SentinelView(
        set,
        "acme",
        "v1",
        kind,
        "canary-acme",
        kind.toLowerCase(),
        "uid",
        seededAt,
        1,
        state,
        null);
  }

  @Test
  void countsBySetKindAndState() {
    VerificationMetrics.Snapshot snapshot =
        VerificationMetrics.summarize(
            List.of(
                view("sandbox", "ConfigMap", SentinelState.PRESENT, MONTH_AGO),
                view("sandbox", "ConfigMap", SentinelState.PRESENT, MONTH_AGO),
                view("sandbox", "ConfigMap", SentinelState.MISSING, MONTH_AGO),
                view("sandbox", "Secret", SentinelState.PRESENT, WEEK_AGO)),
            3,
            NOW);
    assertThat(snapshot.counts())
        .containsEntry(new SentinelGroup("sandbox", "ConfigMap", "PRESENT"), 2L)
        .containsEntry(new SentinelGroup("sandbox", "ConfigMap", "MISSING"), 1L)
        .containsEntry(new SentinelGroup("sandbox", "Secret", "PRESENT"), 1L)
        .hasSize(3);
    assertThat(snapshot.openIncidents()).isEqualTo(3);
  }

  @Test
  void theAgeOfASetIsItsOldestPresentSentinel() {
    VerificationMetrics.Snapshot snapshot =
        VerificationMetrics.summarize(
            List.of(
                view("sandbox", "Namespace", SentinelState.MISSING, MONTH_AGO.minusSeconds(60)),
                view("sandbox", "ConfigMap", SentinelState.PRESENT, WEEK_AGO),
                view("sandbox", "Secret", SentinelState.MODIFIED, MONTH_AGO),
                view("other", "ConfigMap", SentinelState.PRESENT, WEEK_AGO)),
            0,
            NOW);
    assertThat(snapshot.oldestPresentSeededAt())
        .containsEntry("sandbox", MONTH_AGO)
        .containsEntry("other", WEEK_AGO);
  }

  @Test
  void aSetWhoseSentinelsAreAllGoneHasLivedZeroSeconds() {
    VerificationMetrics.Snapshot snapshot =
        VerificationMetrics.summarize(
            List.of(
                view("sandbox", "Namespace", SentinelState.MISSING, MONTH_AGO),
                view("sandbox", "ConfigMap", SentinelState.REPLACED, MONTH_AGO)),
            1,
            NOW);
    assertThat(snapshot.oldestPresentSeededAt()).containsEntry("sandbox", NOW);
  }

  @Test
  void blindOrPendingSentinelsSayNothingAboutTheAge() {
    VerificationMetrics.Snapshot snapshot =
        VerificationMetrics.summarize(
            List.of(
                view("blind", "Namespace", SentinelState.MISSING, MONTH_AGO),
                view("blind", "ConfigMap", SentinelState.UNKNOWN, MONTH_AGO),
                view("starting", "ConfigMap", SentinelState.PENDING, MONTH_AGO),
                view("never", "ConfigMap", SentinelState.CONFLICT, null)),
            0,
            NOW);
    assertThat(snapshot.oldestPresentSeededAt()).isEmpty();
  }
}
