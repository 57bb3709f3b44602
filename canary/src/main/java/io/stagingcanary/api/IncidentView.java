package io.stagingcanary.api;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.StatusType;
import io.stagingcanary.incident.AttributionSummary;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.ItemAttribution;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An incident as the API shows it: the grouped diff embedded as JSON. Its text and Markdown
 * renderings are served with {@code Accept: text/plain} and {@code text/markdown}.
 */
record IncidentView(
    String id,
    String cluster,
    String clusterId,
    Incident.Type type,
    Incident.DetectedBy detectedBy,
    String status,
    Instant openedAt,
    Instant sealedAt,
    Instant resolvedAt,
    Instant blindFrom,
    Instant blindTo,
    String headline,
    List<ItemView> items,
    @JsonRawValue String diff,
    List<String> causedBy,
    List<String> attribution,
    boolean attributionPending) {

  /**
   * One item with who changed it: {@code actor} is the actor, or {@code "unknown"} with {@code
   * actorUnknownReason}; {@code cause} names the original request of a cascade; {@code run} the
   * gated run it changed in.
   */
  record ItemView(
      ResourceKey key,
      String set,
      String tenant,
      StatusType status,
      String detail,
      Object actor,
      String actorUnknownReason,
      ItemAttribution.Cause cause,
      String run) {}

  /**
   * The view.
   *
   * @param causedBy the ops-tool runs that caused it (its loss paged as their violation)
   * @param attributions who changed its items, as stored (enrichment)
   */
  static IncidentView of(
      Incident incident, List<String> causedBy, List<ItemAttribution> attributions) {
    String status =
        incident.resolvedAt() != null ? "resolved" : incident.isSealed() ? "open" : "collecting";
    String diff = incident.json();
    return new IncidentView(
        incident.id(),
        incident.clusterName(),
        incident.clusterId(),
        incident.type(),
        incident.detectedBy(),
        status,
        incident.openedAt(),
        incident.sealedAt(),
        incident.resolvedAt(),
        incident.blindFrom(),
        incident.blindTo(),
        incident.headline(),
        incident.items().stream().map(i -> item(i, attributions)).toList(),
        diff,
        List.copyOf(causedBy),
        AttributionSummary.lines(attributions),
        AttributionSummary.pending(attributions));
  }

  private static ItemView item(Incident.Item item, List<ItemAttribution> attributions) {
    ResourceKey key = item.key();
    ItemAttribution found =
        attributions.stream()
            .filter(a -> a.item().kind().equals(key.kind()))
            .filter(a -> a.item().namespace().equals(Objects.toString(key.namespace(), "")))
            .filter(a -> a.item().name().equals(key.name()))
            .findFirst()
            .orElse(null);
    Object actor = found == null || found.actor() == null ? "unknown" : found.actor();
    String reason =
        found == null
            ? "no attribution recorded"
            : found.unknown() == null ? null : found.unknown().text();
    return new ItemView(
        key,
        item.set() == null ? "" : item.set(),
        item.tenant() == null ? "" : item.tenant(),
        item.status(),
        item.detail(),
        actor,
        reason,
        found == null ? null : found.cause(),
        found == null ? null : found.run());
  }
}
