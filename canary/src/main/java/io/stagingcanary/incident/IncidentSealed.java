package io.stagingcanary.incident;

/** An incident's grouping window closed and it is stored: the moment to alert on it. */
public record IncidentSealed(Incident incident) {}
