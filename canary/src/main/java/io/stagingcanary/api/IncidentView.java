package io.stagingcanary.api;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.StatusType;
import io.stagingcanary.incident.Incident;
import java.time.Instant;
import java.util.List;

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
    List<String> causedBy) {

  /**
   * The view.
   *
   * @param causedBy the ops-tool runs that caused it (its loss paged as their violation)
   */
  static IncidentView of(Incident incident, List<String> causedBy) {
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
        incident.items().stream().map(ItemView::of).toList(),
        diff,
        List.copyOf(causedBy));
  }

  /**
   * One sentinel of the incident as the API has always shown it: key, set, tenant (empty when
   * unknown), status and its reasons and field changes on one line.
   */
  record ItemView(ResourceKey key, String set, String tenant, StatusType status, String detail) {

    static ItemView of(Incident.Item item) {
      return new ItemView(
          item.key(),
          item.set() == null ? "" : item.set(),
          item.tenant() == null ? "" : item.tenant(),
          item.status(),
          item.detail());
    }
  }
}
