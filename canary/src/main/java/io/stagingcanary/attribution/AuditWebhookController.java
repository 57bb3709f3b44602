package io.stagingcanary.attribution;

import io.stagingcanary.metrics.CanaryMetrics;
import io.stagingcanary.seeding.SeedingState;
import io.stagingcanary.store.Ledger;
import io.stagingcanary.store.LedgerEntry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The audit webhook backend's target: {@code audit.k8s.io/v1 EventList} batches, behind an API
 * token like every mutating {@code /api} endpoint ({@code ApiAccessFilter}). Keeps only completed
 * requests that changed a sentinel of the ledger (by resource, namespace and name, and uid where
 * the event names one).
 */
@RestController
@ConditionalOnProperty(name = "canary.attribution.audit.enabled", havingValue = "true")
class AuditWebhookController {

  static final String PATH = "/api/v1/audit/events";

  private final ObservedRequestStore records;
  private final Ledger ledger;
  private final SeedingState seeding;
  private final CanaryMetrics metrics;

  AuditWebhookController(
      ObservedRequestStore records, Ledger ledger, SeedingState seeding, CanaryMetrics metrics) {
    this.records = records;
    this.ledger = ledger;
    this.seeding = seeding;
    this.metrics = metrics;
  }

  @PostMapping(
      path = PATH,
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> receive(@RequestBody JsonNode eventList) {
    long started = System.nanoTime();
    if (!"EventList".equals(RequestParsing.text(eventList.path("kind")))) {
      metrics.observerRequest("audit", "invalid", Duration.ofNanos(System.nanoTime() - started));
      throw new IllegalArgumentException("expected an audit.k8s.io/v1 EventList");
    }
    List<ObservedRequest> changes = RequestParsing.audit(eventList);
    List<LedgerEntry> sentinels =
        seeding.cluster().map(c -> ledger.findAll(c.id())).orElse(List.of());
    Set<String> identities =
        sentinels.stream()
            .map(
                e ->
                    identity(
                        e.key().group(),
                        AttributionMatcher.plural(e.key().kind()),
                        e.key().namespace(),
                        e.key().name()))
            .collect(Collectors.toSet());
    Set<String> uids =
        sentinels.stream().map(LedgerEntry::uid).filter(u -> u != null).collect(Collectors.toSet());
    int kept = 0;
    for (ObservedRequest change : changes) {
      boolean sentinel =
          change.uid() != null
              ? uids.contains(change.uid())
              : identities.contains(
                  identity(
                      change.apiGroup(), change.resource(), change.namespace(), change.name()));
      if (sentinel) {
        records.add(change);
        kept++;
      }
    }
    metrics.observerRequest(
        "audit", kept > 0 ? "recorded" : "ignored", Duration.ofNanos(System.nanoTime() - started));
    return Map.of("events", eventList.path("items").size(), "recorded", kept);
  }

  private static String identity(String group, String resource, String namespace, String name) {
    return group + "/" + resource + "/" + (namespace == null ? "" : namespace) + "/" + name;
  }
}
