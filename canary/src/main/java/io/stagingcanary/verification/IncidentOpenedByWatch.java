package io.stagingcanary.verification;

import java.time.Instant;

/**
 * A watch event led to a new incident: the earliest event among the changes in it was seen at
 * {@code eventSeenAt}, the incident was opened (recorded) at {@code openedAt}.
 */
public record IncidentOpenedByWatch(String incidentId, Instant eventSeenAt, Instant openedAt) {}
