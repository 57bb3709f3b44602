package io.stagingcanary.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.incident.AttributionSummary;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentEnrichmentStore;
import io.stagingcanary.incident.IncidentStore;
import io.stagingcanary.incident.ItemAttribution;
import io.stagingcanary.runs.RunAcknowledged;
import io.stagingcanary.runs.RunCauses;
import io.stagingcanary.runs.RunVerdictStored;
import io.stagingcanary.runs.ToolRunFailed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * {@code ToolRunViolation}: a FAIL verdict pages once per channel, labelled with the tool, its
 * version and the run, carrying the run's grouped diff and the incidents it caused (their own
 * {@code SentinelLoss} is merged into it) with who changed their items, grouped as a loss alert
 * groups them ({@link AttributionSummary}). It stays firing (re-sent to Alertmanager) until the
 * next PASS of the same tool on the cluster or an acknowledgement of the run; the resolve is sent
 * then.
 *
 * <p>The events are published inside the transactions that store the verdict or the
 * acknowledgement; these synchronous listeners' outbox rows join them.
 */
@Component
class ToolRunAlerts {

  private static final Logger log = LoggerFactory.getLogger(ToolRunAlerts.class);

  private final AlertOutbox outbox;
  private final AlertChannels channels;
  private final IncidentStore incidents;
  private final IncidentAlerts incidentAlerts;
  private final ObjectProvider<RunCauses> causes;
  private final ObjectProvider<IncidentEnrichmentStore> enrichments;
  private final String publicBase;

  ToolRunAlerts(
      AlertOutbox outbox,
      AlertChannels channels,
      IncidentStore incidents,
      IncidentAlerts incidentAlerts,
      ObjectProvider<RunCauses> causes,
      CanaryProperties properties,
      ObjectProvider<IncidentEnrichmentStore> enrichments) {
    this.enrichments = enrichments;
    this.outbox = outbox;
    this.channels = channels;
    this.incidents = incidents;
    this.incidentAlerts = incidentAlerts;
    this.causes = causes;
    this.publicBase = properties.publicBase();
  }

  /** Merges the held losses the run caused, then pages the violation with them. */
  @EventListener
  public void onToolRunFailed(ToolRunFailed failed) {
    RunCauses runs = causes.getIfAvailable();
    List<String> caused = List.of();
    if (runs != null) {
      decideHeld(runs);
      caused = runs.incidentsOf(failed.runId());
    }
    outbox.enqueue(
        alert(failed, publicBase, caused, attribution(caused)),
        channels.names(),
        OutboxEntry.State.PENDING,
        null);
  }

  /**
   * Who changed the items of the merged incidents, one line per request across all of them, as
   * stored now (each incident's attribution is recorded when it is sealed, before it is merged);
   * empty without attribution.
   */
  private String attribution(List<String> caused) {
    IncidentEnrichmentStore store = enrichments.getIfAvailable();
    if (store == null || caused.isEmpty()) {
      return "";
    }
    List<ItemAttribution> all = new ArrayList<>();
    caused.forEach(id -> all.addAll(store.find(id)));
    return AttributionSummary.block(all);
  }

  /**
   * Every verdict: a PASS resolves the open violations of the same tool on the cluster; held losses
   * whose runs are all judged now are merged (caused by a FAIL) or released (sent).
   */
  @EventListener
  public void onVerdictStored(RunVerdictStored stored) {
    RunCauses runs = causes.getIfAvailable();
    if (runs != null) {
      decideHeld(runs);
    }
    if (!stored.passed()) {
      return;
    }
    for (Alert open : outbox.unresolved(Alert.TOOL_RUN_VIOLATION, stored.clusterId())) {
      if (stored.tool().equals(open.labels().get(Alert.TOOL_LABEL))) {
        outbox.enqueue(
            open.resolvedAt(stored.at()), channels.names(), OutboxEntry.State.PENDING, null);
        log.info(
            "Run {} of {} {} passed: ToolRunViolation of run {} resolved",
            stored.runId(),
            stored.tool(),
            stored.toolVersion(),
            open.subject());
      }
    }
  }

  /** An acknowledged run's violation resolves. */
  @EventListener
  public void onAcknowledged(RunAcknowledged acknowledged) {
    String runId = acknowledged.acknowledgement().runId();
    for (Alert open : outbox.unresolved(Alert.TOOL_RUN_VIOLATION, acknowledged.clusterId())) {
      if (open.subject().equals(runId)) {
        outbox.enqueue(
            open.resolvedAt(acknowledged.acknowledgement().at()),
            channels.names(),
            OutboxEntry.State.PENDING,
            null);
      }
    }
  }

  /**
   * Decides held loss alerts again (the worker calls it every poll): closes the race of an incident
   * sealed in the instant its run's verdict was stored.
   */
  void recheckHeld() {
    RunCauses runs = causes.getIfAvailable();
    if (runs != null && !outbox.heldSubjects(Alert.SENTINEL_LOSS).isEmpty()) {
      outbox.inTransaction(() -> decideHeld(runs));
    }
  }

  /** Held loss alerts: merge those a FAILed run caused, send those no run explains. */
  private void decideHeld(RunCauses runs) {
    for (String subject : outbox.heldSubjects(Alert.SENTINEL_LOSS)) {
      Optional<Incident> incident = incidents.find(subject);
      if (incident.isEmpty()) {
        outbox.releaseHeld(subject);
        continue;
      }
      RunCauses.Attribution attribution = runs.attribute(incident.get());
      if (attribution instanceof RunCauses.CausedBy caused) {
        if (incidentAlerts.mergeHeld(incident.get(), caused.run(), runs)) {
          log.info("Held incident {} merged into the violation of run {}", subject, caused.run());
        }
      } else if (attribution instanceof RunCauses.Unattributed) {
        outbox.releaseHeld(subject);
        log.info("Held incident {} is not explained by a failed run: sent", subject);
      }
    }
  }

  static Alert alert(ToolRunFailed failed, String publicBase, List<String> incidents) {
    return alert(failed, publicBase, incidents, "");
  }

  /** The violation; {@code attribution} is the block of the merged incidents' attribution lines. */
  static Alert alert(
      ToolRunFailed failed, String publicBase, List<String> incidents, String attribution) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Alert.TOOL_LABEL, failed.tool());
    labels.put(Alert.TOOL_VERSION_LABEL, failed.toolVersion());
    labels.put(Alert.RUN_LABEL, failed.runId());
    return Alert.builder()
        .of(Alert.TOOL_RUN_VIOLATION, failed.runId(), Alert.Status.FIRING)
        .severity(Alert.Severity.CRITICAL)
        .cluster(failed.clusterName(), failed.clusterId())
        .summary(failed.summary())
        .counts(Map.of("VIOLATIONS", failed.violations()))
        .diff(text(failed, publicBase, incidents, attribution), groupedDiff(failed.json()))
        .link(Alert.runPage(publicBase, failed.runId()))
        .period(failed.failedAt(), null)
        .labels(labels)
        .incidents(incidents)
        .build();
  }

  /** The grouped diff of the run's result ({@code diff}), as a loss alert carries its own. */
  static String groupedDiff(String resultJson) {
    JsonNode diff = AlertCodec.diffTree(resultJson).path("diff");
    return diff.isObject() ? AlertCodec.write(diff) : "{}";
  }

  /**
   * Which run, the incidents it caused (with links) and who changed their items, then the verdict
   * and grouped diff.
   */
  private static String text(
      ToolRunFailed failed, String publicBase, List<String> incidents, String attribution) {
    StringBuilder text = new StringBuilder();
    text.append("Tool ")
        .append(failed.tool())
        .append(' ')
        .append(failed.toolVersion())
        .append(", run ")
        .append(failed.runId())
        .append(": ")
        .append(Alert.runPage(publicBase, failed.runId()))
        .append('\n');
    for (String incident : incidents) {
      text.append("Caused incident ")
          .append(incident)
          .append(": ")
          .append(Alert.incidentPage(publicBase, incident))
          .append('\n');
    }
    text.append(attribution);
    return text.append('\n').append(failed.text()).toString();
  }
}
