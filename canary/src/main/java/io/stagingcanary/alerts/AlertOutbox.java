package io.stagingcanary.alerts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The durable outbox in the ledger database. Writes join the caller's transaction when there is one
 * on the same data source (the incident store's, the tool-run verdict's), so an alert exists
 * exactly when the change it reports was stored.
 */
@Repository
class AlertOutbox {

  private static final String COLUMNS =
      "outbox_id, alert_id, channel, alert_name, alert_status, subject_id, cluster_id, state,"
          + " alert_json, attempts, last_error, created_at, next_attempt_at, delivered_at";
  private static final int MAX_ERROR = 4000;

  private final JdbcClient jdbc;
  private final Clock clock;
  private final TransactionTemplate transaction;
  private volatile Runnable onPending = () -> {};

  AlertOutbox(JdbcClient jdbc, TransactionTemplate transaction, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.transaction = transaction;
  }

  /**
   * Told when rows became due for delivery, after their transaction committed (at once without
   * one), so that the delivery worker does not wait for its next poll.
   */
  void onPending(Runnable listener) {
    this.onPending = listener;
  }

  private int due(int changed) {
    if (changed == 0) {
      return 0;
    }
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              onPending.run();
            }
          });
    } else {
      onPending.run();
    }
    return changed;
  }

  /** Runs {@code work} in one transaction (joining the caller's, if any). */
  void inTransaction(Runnable work) {
    transaction.executeWithoutResult(status -> work.run());
  }

  /**
   * Adds the alert once per channel; a row that exists already (same alert id and channel) is left
   * as it is. Returns how many rows were added.
   */
  int enqueue(Alert alert, Collection<String> channels, OutboxEntry.State state, String reason) {
    return enqueue(alert, channels, state, reason, clock.instant());
  }

  /**
   * Adds the alert as {@link OutboxEntry.State#HELD} until {@code until}: then it is released
   * (pending) unless {@link #suppressHeld} or {@link #releaseHeld} decided before.
   */
  int hold(Alert alert, Collection<String> channels, String reason, Instant until) {
    return enqueue(alert, channels, OutboxEntry.State.HELD, reason, until);
  }

  private int enqueue(
      Alert alert,
      Collection<String> channels,
      OutboxEntry.State state,
      String reason,
      Instant notBefore) {
    int added = 0;
    OffsetDateTime now = utc(clock.instant());
    OffsetDateTime next = utc(notBefore);
    String json = AlertCodec.encode(alert);
    for (String channel : channels) {
      added +=
          jdbc.sql(
                  "INSERT INTO alert_outbox (alert_id, channel, alert_name, alert_status,"
                      + " subject_id, cluster_id, state, alert_json, attempts, last_error,"
                      + " created_at, next_attempt_at) SELECT :alertId, :channel, :name, :status,"
                      + " :subject, :clusterId, :state, :json, 0, :reason, :now, :next"
                      + " WHERE NOT EXISTS (SELECT 1 FROM alert_outbox"
                      + " WHERE alert_id = :alertId AND channel = :channel)")
              .param("alertId", alert.id())
              .param("channel", channel)
              .param("name", alert.name())
              .param("status", alert.status().wire())
              .param("subject", alert.subject())
              .param("clusterId", alert.clusterId())
              .param("state", state.name())
              .param("json", json)
              .param("reason", reason == null ? "" : reason)
              .param("now", now)
              .param("next", next)
              .update();
    }
    return state == OutboxEntry.State.PENDING ? due(added) : added;
  }

  /** Subjects with held rows of this alert name, oldest first. */
  List<String> heldSubjects(String alertName) {
    return jdbc.sql(
            "SELECT subject_id FROM alert_outbox WHERE state = 'HELD' AND alert_name = :name"
                + " GROUP BY subject_id ORDER BY MIN(outbox_id)")
        .param("name", alertName)
        .query(String.class)
        .list();
  }

  /** Whether the subject has held rows: a resolve written now must wait with them. */
  Optional<Instant> heldUntil(String subject) {
    return jdbc.sql(
            "SELECT MAX(next_attempt_at) FROM alert_outbox WHERE state = 'HELD'"
                + " AND subject_id = :subject")
        .param("subject", subject)
        .query((rs, row) -> instant(rs, 1))
        .optional()
        .filter(java.util.Objects::nonNull);
  }

  /** The subject's held rows become pending (sent now, in their order). */
  int releaseHeld(String subject) {
    return due(
        jdbc.sql(
                "UPDATE alert_outbox SET state = 'PENDING', next_attempt_at = :now"
                    + " WHERE state = 'HELD' AND subject_id = :subject")
            .param("now", utc(clock.instant()))
            .param("subject", subject)
            .update());
  }

  /** The subject's held rows are recorded as not sent, with the reason. */
  int suppressHeld(String subject, String reason) {
    return jdbc.sql(
            "UPDATE alert_outbox SET state = 'SUPPRESSED', last_error = :reason"
                + " WHERE state = 'HELD' AND subject_id = :subject")
        .param("reason", truncate(reason))
        .param("subject", subject)
        .update();
  }

  /**
   * Releases every subject whose hold ran out (on every channel at once, so no channel gets an
   * alert another does not). Returns the subjects released.
   */
  List<String> releaseExpired() {
    List<String> subjects =
        jdbc.sql(
                "SELECT DISTINCT subject_id FROM alert_outbox WHERE state = 'HELD'"
                    + " AND next_attempt_at <= :now")
            .param("now", utc(clock.instant()))
            .query(String.class)
            .list();
    subjects.forEach(this::releaseHeld);
    return subjects;
  }

  /**
   * Turns the suppressed rows of this alert into pending ones, with its current content: an alert
   * recorded as expected that must be paged after all. Same alert id, so a receiver still gets it
   * once. Rows merged into a run's violation stay as they are (that violation paged them). Returns
   * how many rows changed.
   */
  int release(Alert alert, String note) {
    return due(
        jdbc.sql(
                "UPDATE alert_outbox SET state = 'PENDING', alert_json = :json, last_error = :note,"
                    + " next_attempt_at = :now WHERE alert_id = :alertId AND state = 'SUPPRESSED'"
                    + " AND (last_error IS NULL OR last_error NOT LIKE :merged)")
            .param("merged", IncidentAlerts.MERGED + "%")
            .param("json", AlertCodec.encode(alert))
            .param("note", truncate(note))
            .param("now", utc(clock.instant()))
            .param("alertId", alert.id())
            .update());
  }

  /** The oldest pending entry of the channel: delivery is in order, one at a time. */
  Optional<OutboxEntry> head(String channel) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM alert_outbox WHERE channel = :channel AND state = 'PENDING'"
                + " ORDER BY outbox_id")
        .param("channel", channel)
        .withMaxRows(1)
        .query(this::toEntry)
        .optional();
  }

  Optional<OutboxEntry> find(long id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM alert_outbox WHERE outbox_id = :id")
        .param("id", id)
        .query(this::toEntry)
        .optional();
  }

  /** Entries in this state (all when null), newest first. */
  List<OutboxEntry> list(OutboxEntry.State state, int limit) {
    String where = state == null ? "" : " WHERE state = :state";
    JdbcClient.StatementSpec sql =
        jdbc.sql("SELECT " + COLUMNS + " FROM alert_outbox" + where + " ORDER BY outbox_id DESC");
    if (state != null) {
      sql = sql.param("state", state.name());
    }
    return sql.withMaxRows(limit).query(this::toEntry).list();
  }

  /** Entries of one subject (incident, run, blind episode), in order. */
  List<OutboxEntry> forSubject(String subject) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM alert_outbox WHERE subject_id = :subject ORDER BY outbox_id")
        .param("subject", subject)
        .query(this::toEntry)
        .list();
  }

  long countPending() {
    return jdbc.sql("SELECT COUNT(*) FROM alert_outbox WHERE state = 'PENDING'")
        .query(Long.class)
        .single();
  }

  void delivered(long id) {
    jdbc.sql(
            "UPDATE alert_outbox SET state = 'DELIVERED', attempts = attempts + 1,"
                + " delivered_at = :now, last_error = NULL WHERE outbox_id = :id")
        .param("now", utc(clock.instant()))
        .param("id", id)
        .update();
  }

  /** The receiver refused the alert: it is not retried until someone asks. */
  void failed(long id, String answer) {
    jdbc.sql(
            "UPDATE alert_outbox SET state = 'FAILED', attempts = attempts + 1, last_error = :error"
                + " WHERE outbox_id = :id")
        .param("error", truncate(answer))
        .param("id", id)
        .update();
  }

  /** Delivery did not succeed this time; try again from {@code next}. */
  void attemptFailed(long id, String error, Instant next) {
    jdbc.sql(
            "UPDATE alert_outbox SET attempts = attempts + 1, last_error = :error,"
                + " next_attempt_at = :next WHERE outbox_id = :id AND state = 'PENDING'")
        .param("error", truncate(error))
        .param("next", utc(next))
        .param("id", id)
        .update();
  }

  /** A failed entry back to pending; false when there is no failed entry with this id. */
  boolean retry(long id) {
    return jdbc.sql(
                "UPDATE alert_outbox SET state = 'PENDING', next_attempt_at = :now"
                    + " WHERE outbox_id = :id AND state = 'FAILED'")
            .param("now", utc(clock.instant()))
            .param("id", id)
            .update()
        == 1;
  }

  /**
   * Firing alerts of this channel that were delivered and have no resolve yet (Alertmanager wants
   * them re-sent, so they stay firing until the resolve is sent).
   */
  List<Alert> active(String channel) {
    return jdbc.sql(
            "SELECT f.alert_json FROM alert_outbox f WHERE f.channel = :channel"
                + " AND f.alert_status = 'firing' AND f.state = 'DELIVERED'"
                + " AND NOT EXISTS (SELECT 1 FROM alert_outbox r"
                + " WHERE r.channel = f.channel AND r.subject_id = f.subject_id"
                + " AND r.alert_name = f.alert_name AND r.alert_status = 'resolved')"
                + " ORDER BY f.outbox_id")
        .param("channel", channel)
        .query((rs, row) -> AlertCodec.decode(rs.getString(1)))
        .list();
  }

  /** Firing alerts of this name without a resolve row on any channel (open blind episodes). */
  List<Alert> unresolved(String alertName, String clusterId) {
    return jdbc.sql(
            "SELECT DISTINCT f.alert_json, f.subject_id FROM alert_outbox f"
                + " WHERE f.alert_name = :name AND f.cluster_id = :clusterId"
                + " AND f.alert_status = 'firing' AND NOT EXISTS (SELECT 1 FROM alert_outbox r"
                + " WHERE r.subject_id = f.subject_id AND r.alert_name = f.alert_name"
                + " AND r.alert_status = 'resolved') ORDER BY f.subject_id")
        .param("name", alertName)
        .param("clusterId", clusterId)
        .query((rs, row) -> AlertCodec.decode(rs.getString(1)))
        .list();
  }

  private OutboxEntry toEntry(ResultSet rs, int row) throws SQLException {
    return new OutboxEntry(
        rs.getLong("outbox_id"),
        rs.getString("alert_id"),
        rs.getString("channel"),
        rs.getString("alert_name"),
        rs.getString("alert_status"),
        rs.getString("subject_id"),
        rs.getString("cluster_id"),
        OutboxEntry.State.valueOf(rs.getString("state")),
        AlertCodec.decode(rs.getString("alert_json")),
        rs.getInt("attempts"),
        rs.getString("last_error"),
        instant(rs, "created_at"),
        instant(rs, "next_attempt_at"),
        instant(rs, "delivered_at"));
  }

  private static String truncate(String text) {
    if (text == null) {
      return "";
    }
    return text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR) + "...";
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
