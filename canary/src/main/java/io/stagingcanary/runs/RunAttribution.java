package io.stagingcanary.runs;

import io.stagingcanary.incident.Incident;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * An incident is caused by a run when it opened during the run and the run's own before/after diff
 * contains every sentinel of the incident, and the run FAILed. While a run that could have caused
 * it has no verdict yet, the answer is "awaiting" (the alerting holds the loss alert until then, at
 * most {@code canary.alerts.hold-for-verdict}). Runs are remembered in memory: after a restart
 * nothing is attributed and every loss pages on its own.
 */
@Component
class RunAttribution implements RunCauses {

  private final RunService runs;
  private final RunStore store;

  RunAttribution(RunService runs, RunStore store) {
    this.runs = runs;
    this.store = store;
  }

  @Override
  public Attribution attribute(Incident incident) {
    if (incident.items().isEmpty() || incident.type() != Incident.Type.SENTINEL_LOSS) {
      return new Unattributed();
    }
    List<RunService.Window> windows = runs.windowsAt(incident.openedAt());
    Optional<RunService.Window> cause =
        windows.stream()
            .filter(w -> w.verdict() == ToolRun.Verdict.FAIL)
            .filter(w -> incident.items().stream().map(Incident.Item::key).allMatch(w::changed))
            .reduce((first, later) -> later);
    if (cause.isPresent()) {
      return new CausedBy(ref(cause.get()));
    }
    List<RunRef> running =
        windows.stream().filter(w -> w.completedAt() == null).map(RunAttribution::ref).toList();
    return running.isEmpty() ? new Unattributed() : new AwaitingVerdict(running);
  }

  @Override
  public void recordCause(RunRef run, String incidentId, Instant at) {
    store.linkIncident(run.id(), incidentId, at);
  }

  @Override
  public List<String> incidentsOf(String runId) {
    return store.incidentsOf(runId);
  }

  @Override
  public List<String> runsOf(String incidentId) {
    return store.runsOf(incidentId);
  }

  private static RunRef ref(RunService.Window w) {
    return new RunRef(w.runId(), w.tool(), w.version());
  }
}
