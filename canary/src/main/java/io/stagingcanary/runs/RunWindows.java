package io.stagingcanary.runs;

import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.rules.ToolPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The recent runs in time, for {@link RunBlastRadius} and {@link RunAttribution}: opened when a run
 * begins, closed with its verdict and changed sentinels when it is judged. Kept in memory (the
 * newest {@value #KEPT}): after a restart no window is known.
 */
final class RunWindows {

  static final int KEPT = 200;

  private final Duration maxDuration;
  private final List<Window> recent = new CopyOnWriteArrayList<>();

  /**
   * @param maxDuration how long a run may stay open ({@code canary.runs.max-duration}): an open
   *     window older than that no longer covers anything
   */
  RunWindows(Duration maxDuration) {
    this.maxDuration = maxDuration;
  }

  /**
   * A run in time: its declared blast radius and, once judged, its verdict and the sentinels its
   * before/after diff found changed.
   */
  record Window(
      String runId,
      String tool,
      String version,
      ToolPolicy policy,
      Instant startedAt,
      Instant completedAt,
      ToolRun.Verdict verdict,
      Set<ResourceKey> changedKeys) {

    Window {
      changedKeys = Set.copyOf(changedKeys);
    }

    boolean overlaps(Instant from, Instant to) {
      return !to.isBefore(startedAt) && (completedAt == null || !from.isAfter(completedAt));
    }

    boolean changed(ResourceKey key) {
      return changedKeys.contains(key);
    }
  }

  void open(String runId, String tool, String version, ToolPolicy policy, Instant startedAt) {
    recent.add(new Window(runId, tool, version, policy, startedAt, null, null, Set.of()));
    while (recent.size() > KEPT) {
      recent.remove(0);
    }
  }

  void close(String runId, Instant completedAt, ToolRun.Verdict verdict, Set<ResourceKey> changed) {
    for (int i = 0; i < recent.size(); i++) {
      Window w = recent.get(i);
      if (w.runId().equals(runId)) {
        recent.set(
            i,
            new Window(
                w.runId(),
                w.tool(),
                w.version(),
                w.policy(),
                w.startedAt(),
                completedAt,
                verdict,
                changed));
      }
    }
  }

  /** Runs in force at {@code at}, oldest first. */
  List<Window> at(Instant at) {
    return overlapping(at, at);
  }

  /** Runs whose window overlaps {@code [from, to]}, oldest first. */
  List<Window> overlapping(Instant from, Instant to) {
    Instant cutoff = from.minus(maxDuration);
    List<Window> result = new ArrayList<>();
    for (Window w : recent) {
      if (w.overlaps(from, to) && (w.completedAt() != null || w.startedAt().isAfter(cutoff))) {
        result.add(w);
      }
    }
    return result;
  }
}
