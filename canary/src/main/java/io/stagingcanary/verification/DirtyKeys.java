package io.stagingcanary.verification;

import io.stagingcanary.diff.ResourceKey;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sentinels an event marked for a re-read, with the earliest event time of each (for the detection
 * latency), and whether a drain is scheduled already: a burst of events is one drain, not one each.
 */
final class DirtyKeys {

  private final Map<ResourceKey, Instant> dirty = new ConcurrentHashMap<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  /** Marks the key (any thread); true when the caller must schedule a drain. */
  boolean mark(ResourceKey key, Instant eventSeenAt) {
    dirty.merge(key, eventSeenAt, (a, b) -> a.isBefore(b) ? a : b);
    return claimDrain();
  }

  /** True when keys wait and no drain is scheduled: the caller must schedule one. */
  boolean claimDrain() {
    return !dirty.isEmpty() && scheduled.compareAndSet(false, true);
  }

  /** Forgets a scheduled drain that will not run (leadership was lost meanwhile). */
  void forgetDrain() {
    scheduled.set(false);
  }

  /** Takes every marked key with its earliest event time; later marks schedule a new drain. */
  Map<ResourceKey, Instant> take() {
    scheduled.set(false);
    Map<ResourceKey, Instant> batch = new HashMap<>();
    for (ResourceKey key : List.copyOf(dirty.keySet())) {
      Instant seen = dirty.remove(key);
      if (seen != null) {
        batch.put(key, seen);
      }
    }
    return batch;
  }
}
