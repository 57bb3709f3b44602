package io.stagingcanary.watch;

import io.stagingcanary.diff.ResourceKey;
import java.time.Instant;

/** Told that a sentinel may have changed; it re-reads the state, the event itself is no fact. */
@FunctionalInterface
public interface ChangeTrigger {
  void dirty(ResourceKey key, Instant eventSeenAt);
}
