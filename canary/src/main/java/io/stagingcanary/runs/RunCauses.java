package io.stagingcanary.runs;

import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.incident.Incident;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Which bracketed run caused an incident, so that one problem pages once: a loss caused by a run
 * that FAILs is reported by that run's {@code ToolRunViolation}, not by a {@code SentinelLoss} of
 * its own. Implemented by {@link RunAttribution}.
 */
public interface RunCauses {

  /** Where the incident belongs, as far as the runs known to this agent tell. */
  Attribution attribute(Incident incident);

  /**
   * The run during which a sentinel changed, whatever its verdict: the latest run whose window
   * overlaps {@code [from, to]} and that is still running or whose own before/after diff found the
   * sentinel changed. {@code from == to} asks about one instant (the time of a recorded request).
   */
  Optional<RunRef> changedDuring(ResourceKey key, Instant from, Instant to);

  /**
   * Records that the run caused the incident (joins the caller's transaction): {@code GET
   * /api/v1/runs/{id}} lists it under {@code incidents}, the incident under {@code causedBy}.
   */
  void recordCause(RunRef run, String incidentId, Instant at);

  /** Incidents the run caused, oldest link first. */
  List<String> incidentsOf(String runId);

  /** Runs that caused the incident. */
  List<String> runsOf(String incidentId);

  /** A run as the alerts name it. */
  record RunRef(String id, String tool, String version) {

    @Override
    public String toString() {
      return id + " (" + tool + " " + version + ")";
    }
  }

  /** Where an incident belongs. */
  sealed interface Attribution {}

  /** No bracketed run explains it: it pages on its own. */
  record Unattributed() implements Attribution {}

  /** Runs that may have caused it have no verdict yet. */
  record AwaitingVerdict(List<RunRef> runs) implements Attribution {
    public AwaitingVerdict {
      runs = List.copyOf(runs);
    }
  }

  /** A run that FAILed changed every sentinel of the incident. */
  record CausedBy(RunRef run) implements Attribution {}
}
