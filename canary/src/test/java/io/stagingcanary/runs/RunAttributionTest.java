package io.stagingcanary.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.diff.ResourceKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which run a changed sentinel names: the run whose window held the change, whether it is still
 * running or already judged (PASS included), as long as its own diff saw the sentinel change.
 */
class RunAttributionTest {

  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
  private static final ResourceKey EXTRA =
      ResourceKey.namespaced("v1", "ConfigMap", "canary-acme", "extra");
  private static final ResourceKey SETTINGS =
      ResourceKey.namespaced("v1", "ConfigMap", "canary-acme", "settings");

  private final RunWindows windows = new RunWindows(Duration.ofHours(1));
  private final RunAttribution attribution = new RunAttribution(windows, null);

  @Test
  void aRunningRunNamesWhatChangesInsideItsWindowAndNothingOutside() {
    windows.open("r-1", "prune-users", "1.0.0", null, T0);

    assertThat(attribution.changedDuring(EXTRA, T0.plusSeconds(3), T0.plusSeconds(3)))
        .map(RunCauses.RunRef::toString)
        .contains("r-1 (prune-users 1.0.0)");
    assertThat(attribution.changedDuring(EXTRA, T0.minusSeconds(3), T0.minusSeconds(3))).isEmpty();
  }

  @Test
  void aPassedRunStillNamesTheSentinelsItsDiffSawChangeButNotOthers() {
    windows.open("r-1", "prune-users", "1.0.0", null, T0);
    windows.close("r-1", T0.plusSeconds(10), ToolRun.Verdict.PASS, Set.of(EXTRA));

    assertThat(attribution.changedDuring(EXTRA, T0.plusSeconds(2), T0.plusSeconds(2)))
        .map(RunCauses.RunRef::id)
        .contains("r-1");
    assertThat(attribution.changedDuring(SETTINGS, T0.plusSeconds(2), T0.plusSeconds(2)))
        .as("its diff did not see settings change")
        .isEmpty();
    assertThat(attribution.changedDuring(EXTRA, T0.plusSeconds(11), T0.plusSeconds(11)))
        .as("after the run ended")
        .isEmpty();
  }

  @Test
  void withoutARequestTimeTheIncidentsSpanIsMatchedAgainstTheWindow() {
    windows.open("r-1", "prune-users", "1.0.0", null, T0);
    windows.close("r-1", T0.plusSeconds(10), ToolRun.Verdict.FAIL, Set.of(EXTRA));

    assertThat(attribution.changedDuring(EXTRA, T0.minusSeconds(30), T0.plusSeconds(1)))
        .map(RunCauses.RunRef::id)
        .contains("r-1");
    assertThat(attribution.changedDuring(EXTRA, T0.plusSeconds(20), T0.plusSeconds(30))).isEmpty();
  }

  @Test
  void theLatestOfOverlappingRunsIsNamed() {
    windows.open("r-1", "prune-users", "1.0.0", null, T0);
    windows.open("r-2", "prune-users", "1.0.1", null, T0.plusSeconds(5));

    assertThat(attribution.changedDuring(EXTRA, T0.plusSeconds(6), T0.plusSeconds(6)))
        .map(RunCauses.RunRef::id)
        .contains("r-2");
  }

  @Test
  void anOpenWindowOlderThanTheLongestRunCoversNothing() {
    windows.open("r-1", "prune-users", "1.0.0", null, T0);

    assertThat(windows.at(T0.plusSeconds(3600 + 1))).isEmpty();
    assertThat(windows.at(T0.plusSeconds(60))).hasSize(1);
  }

  @Test
  void onlyTheNewestWindowsAreKept() {
    for (int i = 0; i <= RunWindows.KEPT; i++) {
      windows.open("r-" + i, "t", "1", null, T0.plusSeconds(i));
      windows.close("r-" + i, T0.plusSeconds(i), ToolRun.Verdict.PASS, Set.of());
    }
    assertThat(windows.overlapping(T0, T0.plusSeconds(RunWindows.KEPT)))
        .hasSize(RunWindows.KEPT)
        .first()
        .extracting(RunWindows.Window::runId)
        .isEqualTo("r-1");
  }
}
