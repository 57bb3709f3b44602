package io.stagingcanary.runs;

import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.incident.Incident;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * An incident is caused by a run when it opened during the run and the run's own before/after diff
 * contains every sentinel of the incident, and the run FAILed. While a run that could have caused
 * it has no verdict yet, the answer is "awaiting" (the alerting holds the loss alert until then, at
 * most {@code canary.alerts.hold-for-verdict}). Whatever the verdict, an item changed during a run
 * names that run ({@link #changedDuring}). Runs are remembered in memory: after a restart nothing
 * is attributed and every loss pages on its own.
 */
@Component
class RunAttribution implements RunCauses {

  private final RunWindows windows;
  private final RunStore store;

  @Autowired
  RunAttribution(RunService runs, RunStore store) {
    this(runs.windows(), store);
  }

  RunAttribution(RunWindows windows, RunStore store) {
    this.windows = windows;
    this.store = store;
  }

  @Override
  public Attribution attribute(Incident incident) {
    if (incident.items().isEmpty() || incident.type() != Incident.Type.SENTINEL_LOSS) {
      return new Unattributed();
    }
    List<RunWindows.Window> then = windows.at(incident.openedAt());
    Optional<RunWindows.Window> cause =
        then.stream()
            .filter(w -> w.verdict() == ToolRun.Verdict.FAIL)
            .filter(w -> incident.items().stream().map(Incident.Item::key).allMatch(w::changed))
            .reduce((first, later) -> later);
    if (cause.isPresent()) {
      return new CausedBy(ref(cause.get()));
    }
    List<RunRef> running =
        then.stream().filter(w -> w.completedAt() == null).map(RunAttribution::ref).toList();
    return running.isEmpty() ? new Unattributed() : new AwaitingVerdict(running);
  }

  @Override
  public Optional<RunRef> changedDuring(ResourceKey key, Instant from, Instant to) {
    return windows.overlapping(from, to).stream()
        .filter(w -> w.completedAt() == null || w.changed(key))
        .reduce((first, later) -> later)
        .map(RunAttribution::ref);
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

  private static RunRef ref(RunWindows.Window w) {
    return new RunRef(w.runId(), w.tool(), w.version());
  }
}
