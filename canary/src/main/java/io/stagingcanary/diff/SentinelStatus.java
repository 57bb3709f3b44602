package io.stagingcanary.diff;

import java.util.List;

/** The verdict on one sentinel. Precedence: Unknown, Missing, Replaced, Degraded, Modified. */
public sealed interface SentinelStatus {

  /** The kind of verdict. */
  StatusType type();

  /** The object is there, as the agent left it (additions by others are ignored). */
  record Present() implements SentinelStatus {
    public StatusType type() {
      return StatusType.PRESENT;
    }
  }

  /** The object is gone while its kind was observed. */
  record Missing() implements SentinelStatus {
    public StatusType type() {
      return StatusType.MISSING;
    }
  }

  /** An object of the same name exists but it is another one (different uid). */
  record Replaced(String expectedUid, String actualUid) implements SentinelStatus {
    public StatusType type() {
      return StatusType.REPLACED;
    }
  }

  /** Values the agent set were changed or removed. */
  record Modified(List<FieldChange> changes) implements SentinelStatus {
    public Modified {
      changes = List.copyOf(changes);
    }

    public StatusType type() {
      return StatusType.MODIFIED;
    }
  }

  /** The object is there but unhealthy (terminating, PVC lost or rebound); may be modified too. */
  record Degraded(List<String> reasons, List<FieldChange> changes) implements SentinelStatus {
    public Degraded {
      reasons = List.copyOf(reasons);
      changes = List.copyOf(changes);
    }

    public StatusType type() {
      return StatusType.DEGRADED;
    }
  }

  /** The kind was not observed (e.g. forbidden), so nothing can be said. */
  record Unknown(String reason) implements SentinelStatus {
    public StatusType type() {
      return StatusType.UNKNOWN;
    }
  }
}
