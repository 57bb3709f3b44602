package io.stagingcanary.incident;

/** Every sentinel of the incident is back. */
public record IncidentResolved(Incident incident) {}
