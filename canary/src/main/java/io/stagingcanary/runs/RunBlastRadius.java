package io.stagingcanary.runs;

import io.stagingcanary.incident.ExpectedChanges;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.rules.ToolPolicy;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * A change is expected while a run is active whose policy declares it: the tenant is bait or
 * selected by {@code mayAffect} and the kind may be removed (or modified) by the tool. Such changes
 * are still recorded as incidents; the verifier defers their re-seed until the run's verdict is
 * stored, and alerting does not page for them.
 */
@Component
class RunBlastRadius implements ExpectedChanges {

  private final RunService runs;

  RunBlastRadius(RunService runs) {
    this.runs = runs;
  }

  @Override
  public Optional<String> reason(Incident.Item item, Instant at) {
    if (item.tenant() == null) {
      return Optional.empty();
    }
    Map<String, String> labels = runs.tenantLabels().get(item.tenant());
    if (labels == null) {
      return Optional.empty();
    }
    boolean removal = item.status().lost() || item.status().name().equals("DEGRADED");
    for (RunWindows.Window window : runs.windows().at(at)) {
      ToolPolicy policy = window.policy();
      if (policy != null && policy.declares(labels, item.key().kind(), removal)) {
        return Optional.of(
            "inside the declared blast radius of run "
                + window.runId()
                + " ("
                + window.tool()
                + " "
                + window.version()
                + (policy.isBait(labels) ? ", bait tenant " + item.tenant() : "")
                + ")");
      }
    }
    return Optional.empty();
  }
}
