package io.stagingcanary.alerts;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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

  /** Every alert name: a closed set. */
  static final Set<String> NAMES = Set.of(SENTINEL_LOSS, CANARY_BLIND, TOOL_RUN_VIOLATION);

  static final String INCIDENT_LABEL = "incident";
  static final String TOOL_LABEL = "tool";
  static final String TOOL_VERSION_LABEL = "tool_version";
  static final String RUN_LABEL = "run";

  /** Use {@link #builder()}: the positional form is kept for the builder only. */
  Alert {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("unknown alert name " + name + ", one of " + NAMES);
    }
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(clusterName, "clusterName");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(diffJson, "diffJson");
    Objects.requireNonNull(link, "link");
    Objects.requireNonNull(startsAt, "startsAt");
    sets = List.copyOf(sets);
    counts = Map.copyOf(counts);
    labels =
        labels == null || labels.isEmpty()
            ? Map.of(INCIDENT_LABEL, subject)
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
    incidents = incidents == null ? List.of() : List.copyOf(incidents);
  }

  /** An empty builder. */
  static Builder builder() {
    return new Builder();
  }

  /** A builder holding this alert's values, to change some of them. */
  Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.name = name;
    b.status = status;
    b.severity = severity;
    b.clusterName = clusterName;
    b.clusterId = clusterId;
    b.subject = subject;
    b.sets = sets;
    b.summary = summary;
    b.counts = counts;
    b.text = text;
    b.diffJson = diffJson;
    b.link = link;
    b.startsAt = startsAt;
    b.endsAt = endsAt;
    b.labels = labels;
    b.incidents = incidents;
    return b;
  }

  /**
   * Builds an {@link Alert}; {@link #build()} checks the required fields. Without an explicit
   * {@link #id(String)} the id is {@link #idFor} of name, subject and status.
   */
  static final class Builder {
    private String id;
    private String name;
    private Status status;
    private Severity severity;
    private String clusterName;
    private String clusterId;
    private String subject;
    private List<String> sets = List.of();
    private String summary;
    private Map<String, Integer> counts = Map.of();
    private String text;
    private String diffJson = "{}";
    private String link;
    private Instant startsAt;
    private Instant endsAt;
    private Map<String, String> labels = Map.of();
    private List<String> incidents = List.of();

    private Builder() {}

    Builder id(String id) {
      this.id = id;
      return this;
    }

    /** Which alert ({@link #SENTINEL_LOSS}, ...), about which subject, firing or resolved. */
    Builder of(String name, String subject, Status status) {
      this.name = name;
      this.subject = subject;
      this.status = status;
      return this;
    }

    Builder severity(Severity severity) {
      this.severity = severity;
      return this;
    }

    /** The cluster's name and its {@code kube-system} uid. */
    Builder cluster(String clusterName, String clusterId) {
      this.clusterName = clusterName;
      this.clusterId = clusterId;
      return this;
    }

    Builder sets(List<String> sets) {
      this.sets = sets;
      return this;
    }

    Builder summary(String summary) {
      this.summary = summary;
      return this;
    }

    Builder counts(Map<String, Integer> counts) {
      this.counts = counts;
      return this;
    }

    /** The grouped diff as plain text and as JSON ({@code {}} when there is none). */
    Builder diff(String text, String diffJson) {
      this.text = text;
      this.diffJson = diffJson;
      return this;
    }

    Builder text(String text) {
      this.text = text;
      return this;
    }

    Builder link(String link) {
      this.link = link;
      return this;
    }

    /** When it began and (null while firing) when it ended. */
    Builder period(Instant startsAt, Instant endsAt) {
      this.startsAt = startsAt;
      this.endsAt = endsAt;
      return this;
    }

    Builder labels(Map<String, String> labels) {
      this.labels = labels;
      return this;
    }

    Builder incidents(List<String> incidents) {
      this.incidents = incidents;
      return this;
    }

    Alert build() {
      String alertId =
          id != null || name == null || subject == null || status == null
              ? id
              : idFor(name, subject, status);
      return new Alert(
          alertId,
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
          labels,
          incidents);
    }
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
    return toBuilder()
        .id(idFor(name, subject, Status.RESOLVED))
        .of(name, subject, Status.RESOLVED)
        .period(startsAt, at)
        .build();
  }

  /** The runbook anchor of this alert: its name in lower case (a heading of docs/runbook.md). */
  static String runbookAnchor(String name) {
    return name.toLowerCase(java.util.Locale.ROOT);
  }

  static String idFor(String name, String subject, Status status) {
    return name + ":" + subject + ":" + status.wire();
  }
}
