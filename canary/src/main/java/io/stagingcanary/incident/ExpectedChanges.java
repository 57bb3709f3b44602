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
}
