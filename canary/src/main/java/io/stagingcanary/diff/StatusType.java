package io.stagingcanary.diff;

/** The kinds of {@link SentinelStatus}, from most to least severe. */
public enum StatusType {
  UNKNOWN,
  MISSING,
  REPLACED,
  DEGRADED,
  MODIFIED,
  PRESENT;

  /** Whether the sentinel is gone (missing or replaced by another object). */
  public boolean lost() {
    return this == MISSING || this == REPLACED;
  }
}
