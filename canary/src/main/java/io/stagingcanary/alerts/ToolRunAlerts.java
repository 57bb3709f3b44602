package io.stagingcanary.alerts;

import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.runs.ToolRunFailed;
import java.util.List;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * A FAIL verdict pages once per channel. {@link ToolRunFailed} is published inside the transaction
 * that stores the verdict; this synchronous listener's outbox rows join it.
 */
@Component
class ToolRunAlerts {

  private final AlertOutbox outbox;
  private final AlertChannels channels;
  private final String publicBase;

  ToolRunAlerts(AlertOutbox outbox, AlertChannels channels, CanaryProperties properties) {
    this.outbox = outbox;
    this.channels = channels;
    this.publicBase = properties.publicBase();
  }

  @EventListener
  public void onToolRunFailed(ToolRunFailed failed) {
    outbox.enqueue(alert(failed, publicBase), channels.names(), OutboxEntry.State.PENDING, null);
  }

  static Alert alert(ToolRunFailed failed, String publicBase) {
    return new Alert(
        Alert.idFor(Alert.TOOL_RUN_VIOLATION, failed.runId(), Alert.Status.FIRING),
        Alert.TOOL_RUN_VIOLATION,
        Alert.Status.FIRING,
        Alert.Severity.CRITICAL,
        failed.clusterName(),
        failed.clusterId(),
        failed.runId(),
        List.of(),
        failed.summary(),
        Map.of("VIOLATIONS", failed.violations()),
        failed.text(),
        failed.json(),
        publicBase + "/api/v1/runs/" + failed.runId(),
        failed.failedAt(),
        null);
  }
}
