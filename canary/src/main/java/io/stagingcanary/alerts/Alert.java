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
 * @param link the page on-call opens ({@code <public-url>/incidents/<id>}, {@code
 *     <public-url>/runs/<id>}, the overview for a blind episode); {@link #apiLink()} is the same
 *     subject in the API
 * @param endsAt when it resolved; null while firing
 * @param labels the labels that identify the subject for routing: {@code incident} for a loss or a
 *     blind episode; {@code tool}, {@code tool_version} and {@code run} for a tool-run violation
 * @param incidents incidents merged into this alert (a violation carries the losses its run caused)
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
    Instant endsAt,
    Map<String, String> labels,
    List<String> incidents) {

  private static final String API = "/api/v1";

  /** The incident's page: {@code <public-url>/incidents/<id>}. */
  static String incidentPage(String publicBase, String incidentId) {
    return publicBase + "/incidents/" + incidentId;
  }

  /** The run's page: {@code <public-url>/runs/<id>}. */
  static String runPage(String publicBase, String runId) {
    return publicBase + "/runs/" + runId;
  }

  /** The overview page: {@code <public-url>/}. */
  static String overviewPage(String publicBase) {
    return publicBase + "/";
  }

  /**
   * The subject in the API (for JSON payloads): {@code /api/v1/incidents/<id>}, {@code
   * /api/v1/runs/<id>}, {@code /api/v1/status} for the overview. A link stored before the pages
   * existed already points into the API and is returned as it is.
   */
  String apiLink() {
    if (link == null || link.contains(API + "/")) {
      return link;
    }
    if (link.endsWith("/")) {
      return link + API.substring(1) + "/status";
    }
    for (String area : new String[] {"/incidents/", "/runs/"}) {
      int at = link.lastIndexOf(area);
      if (at >= 0) {
        return link.substring(0, at) + API + link.substring(at);
      }
    }
    return link;
  }

  static final String SENTINEL_LOSS = "SentinelLoss";
  static final String CANARY_BLIND = "SentinelCanaryBlind";
  static final String TOOL_RUN_VIOLATION = "ToolRunViolation";

  static final String INCIDENT_LABEL = "incident";
  static final String TOOL_LABEL = "tool";
  static final String TOOL_VERSION_LABEL = "tool_version";
  static final String RUN_LABEL = "run";

  Alert {
    sets = List.copyOf(sets);
    counts = Map.copyOf(counts);
    labels =
        labels == null || labels.isEmpty()
            ? Map.of(INCIDENT_LABEL, subject)
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
    incidents = incidents == null ? List.of() : List.copyOf(incidents);
  }

  /** An alert whose subject is an incident or a blind episode: labelled {@code incident}. */
  Alert(
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
    this(
        id,
        name,
        status,
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
        endsAt,
        Map.of(),
        List.of());
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
        at,
        labels,
        incidents);
  }

  /** The runbook anchor of this alert: its name in lower case (a heading of docs/runbook.md). */
  static String runbookAnchor(String name) {
    return name.toLowerCase(java.util.Locale.ROOT);
  }

  static String idFor(String name, String subject, Status status) {
    return name + ":" + subject + ":" + status.wire();
  }
}
