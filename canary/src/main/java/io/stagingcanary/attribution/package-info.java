/**
 * Who changed a sentinel. Two observers record requests about sentinels (metadata only, never an
 * object's data) in {@code attribution_record}: {@link
 * io.stagingcanary.attribution.AdmissionController} (a validating webhook that always allows, on
 * its own HTTPS port) and {@link io.stagingcanary.attribution.AuditWebhookController} (audit
 * webhook batches, behind an API token). {@link io.stagingcanary.attribution.IncidentAttributor}
 * joins them to incident items when an incident is sealed, inside the seal's transaction, and later
 * as an enrichment of the stored incident; {@link io.stagingcanary.attribution.AttributionMatcher}
 * is the pure matching (identity, time, cascades). Nothing depends on this package: incidents, the
 * API and alerts read the stored facts through {@code incident.IncidentEnrichmentStore}.
 */
package io.stagingcanary.attribution;
