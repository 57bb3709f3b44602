package io.stagingcanary.incident;

import java.util.List;

/**
 * Facts were added to a stored incident after it was sealed (who changed its items); published
 * after the change committed.
 *
 * @param incidentId the incident
 * @param attributions the items whose attribution changed, as now stored
 */
public record IncidentEnriched(String incidentId, List<ItemAttribution> attributions) {
  public IncidentEnriched {
    attributions = List.copyOf(attributions);
  }
}
