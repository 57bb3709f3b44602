package io.stagingcanary.metrics;

import java.util.Objects;

/** One series of {@code canary_sentinels}: sentinels of a set and kind in one state. */
public record SentinelGroup(String set, String kind, String state) {

  public SentinelGroup {
    Objects.requireNonNull(set, "set");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(state, "state");
  }
}
