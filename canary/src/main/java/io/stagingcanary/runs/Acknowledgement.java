package io.stagingcanary.runs;

import java.time.Instant;
import java.util.Objects;

/**
 * Someone on call took ownership of a run's violation: its {@code ToolRunViolation} resolves.
 *
 * @param by who acknowledged (a person or a team)
 * @param reason why: what was done, or why it needs nothing
 */
public record Acknowledgement(String runId, String by, String reason, Instant at) {

  public Acknowledgement {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(by, "by");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(at, "at");
  }
}
