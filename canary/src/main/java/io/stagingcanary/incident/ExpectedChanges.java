package io.stagingcanary.incident;

import java.time.Instant;
import java.util.Optional;

/**
 * Declares some changes to sentinels as expected: a maintenance window, or an ops-tool run acting
 * within its declared blast radius. Expected changes are still recorded as incidents, but are not
 * paged. Any number of beans may implement this; a change is expected when one of them says so.
 */
public interface ExpectedChanges {

  /** Why this change, observed at {@code at}, is expected; empty when it is not (then it pages). */
  Optional<String> reason(Incident.Item item, Instant at);

  /**
   * Whether the expectation this source gave for a change observed at {@code at} is over by {@code
   * now} (a maintenance window that ended or was deleted, and no other window of this source covers
   * the item now). A change still there then is paged. Expectations that never lapse (a tool run's
   * blast radius) keep the default.
   */
  default boolean lapsed(Incident.Item item, Instant at, Instant now) {
    return false;
  }
}
