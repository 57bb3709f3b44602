package io.stagingcanary.data;

/** How one writer or checker Job ended. */
sealed interface JobOutcome {

  /** The container exited 0; {@code message} is its termination message. */
  record Succeeded(String message) implements JobOutcome {}

  /** The container ran and failed (non-zero exit, deadline): the content could not be read. */
  record Failed(String reason) implements JobOutcome {}

  /** It never ran: Pending past the timeout, image pull failure, no storage. */
  record CannotRun(String reason) implements JobOutcome {}
}
