package io.stagingcanary.diff;

import java.util.Objects;

/**
 * The verdict on one sentinel with the set and tenant it belongs to.
 *
 * @param set null when unknown
 * @param tenant null when unknown
 */
public record SentinelResult(ResourceKey key, String set, String tenant, SentinelStatus status) {

  public SentinelResult {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(status, "status");
  }

  /** Shortcut for {@code status().type()}. */
  public StatusType type() {
    return status.type();
  }
}
