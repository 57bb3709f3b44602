package io.stagingcanary.alerts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One alert as every channel renders it: what fired or resolved, for which incident (or tool run,
 * or blind episode), with counts and the grouped diff.
 *
 * @param id the alert's id; with the channel name it is the idempotency key
 * @param name the alert name: {@code SentinelLoss}, {@code SentinelCanaryBlind}, {@code
 *     ToolRunViolation}
 * @param subject the incident id, tool-run id or blind-episode id
 * @param counts sentinels by status (MISSING, REPLACED, ...)
 * @param text the grouped diff as plain text
 * @param diffJson the grouped diff as JSON ({@code {}} when there is none)
 * @param link where the full alert is, in the agent's API
 * @param endsAt when it resolved; null while firing
 */
record Alert(
    String id,
    String name,
    Status status,
    Severity severity,
    String clusterName,
    String clusterId,
    String subject,
    List<String> sets,
    String summary,
    Map<String, Integer> counts,
    String text,
    String diffJson,
    String link,
    Instant startsAt,
    Instant endsAt) {

  static final String SENTINEL_LOSS = "SentinelLoss";
  static final String CANARY_BLIND = "SentinelCanaryBlind";
  static final String TOOL_RUN_VIOLATION = "ToolRunViolation";

  Alert {
    sets = List.copyOf(sets);
    counts = Map.copyOf(counts);
  }

  /** Firing or resolved. */
  enum Status {
    FIRING,
    RESOLVED;

    String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** How loud: a loss is critical, blindness a warning. */
  enum Severity {
    CRITICAL,
    WARNING;

    String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  boolean firing() {
    return status == Status.FIRING;
  }

  /** The same alert, resolved at {@code at}, with its own id. */
  Alert resolvedAt(Instant at) {
    return new Alert(
        idFor(name, subject, Status.RESOLVED),
        name,
        Status.RESOLVED,
        severity,
        clusterName,
        clusterId,
        subject,
        sets,
        summary,
        counts,
        text,
        diffJson,
        link,
        startsAt,
        at);
  }

  static String idFor(String name, String subject, Status status) {
    return name + ":" + subject + ":" + status.wire();
  }
}
