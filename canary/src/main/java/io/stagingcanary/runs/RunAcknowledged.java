package io.stagingcanary.runs;

/**
 * Published synchronously inside the transaction that records an acknowledgement, so the resolve of
 * the run's {@code ToolRunViolation} is written to the alert outbox with it.
 */
public record RunAcknowledged(String clusterId, Acknowledgement acknowledgement) {}
