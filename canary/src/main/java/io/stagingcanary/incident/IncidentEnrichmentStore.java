package io.stagingcanary.incident;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Later facts about a stored incident (who changed its items), kept as a recorded change next to
 * the incident: one row per item (incident id, kind, namespace, name, uid), replaced when a better
 * fact arrives, its revision counted. {@link #record} joins the caller's transaction (the seal's,
 * so the first page carries what is known then); {@link #enrich} is its own transaction and
 * publishes {@link IncidentEnriched} after it committed.
 */
@Component
public class IncidentEnrichmentStore {

  private static final String COLUMNS =
      "incident_id, kind, namespace, name, uid, actor_source, username, user_groups, user_agent,"
          + " source_ips, verb, acted_at, cause_kind, cause_namespace, cause_name, run_ref,"
          + " unknown_reason, revision, recorded_at";

  private static final Logger log = LoggerFactory.getLogger(IncidentEnrichmentStore.class);

  private final JdbcClient jdbc;
  private final TransactionTemplate transaction;
  private final TransactionTemplate nested;
  private final ApplicationEventPublisher events;
  private final Clock clock;

  public IncidentEnrichmentStore(
      DataSource dataSource, ApplicationEventPublisher events, Clock clock) {
    this.jdbc = JdbcClient.create(dataSource);
    JdbcTransactionManager manager = new JdbcTransactionManager(dataSource);
    this.transaction = new TransactionTemplate(manager);
    this.nested = new TransactionTemplate(manager);
    this.nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    this.events = events;
    this.clock = clock;
  }

  /**
   * Stores the facts (in the caller's transaction when there is one) and answers those that changed
   * what was stored.
   */
  public List<ItemAttribution> record(String incidentId, List<ItemAttribution> facts) {
    return transaction.execute(
        status -> facts.stream().filter(f -> upsert(incidentId, f)).toList());
  }

  /**
   * Works out the facts and stores them inside a savepoint of the caller's transaction (the
   * seal's): when that fails, only the facts are rolled back and the incident is stored and paged
   * without them (logged). A missing "who" must never cost the record or the page of a loss.
   */
  public List<ItemAttribution> recordGuarded(
      String incidentId, Supplier<List<ItemAttribution>> facts) {
    try {
      return nested.execute(
          status -> facts.get().stream().filter(f -> upsert(incidentId, f)).toList());
    } catch (RuntimeException e) {
      log.warn(
          "Incident {}: attribution not stored; the incident is stored without it: {}",
          incidentId,
          e.toString());
      return List.of();
    }
  }

  /**
   * Adds later facts to a stored incident: one transaction, then {@link IncidentEnriched} for the
   * facts that changed something.
   */
  public void enrich(String incidentId, List<ItemAttribution> facts) {
    List<ItemAttribution> changed = record(incidentId, facts);
    if (!changed.isEmpty()) {
      events.publishEvent(new IncidentEnriched(incidentId, changed));
    }
  }

  /** What is known about the incident's items, in item order. */
  public List<ItemAttribution> find(String incidentId) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM incident_enrichment WHERE incident_id = ? ORDER BY kind, namespace, name")
        .param(incidentId)
        .query((rs, n) -> map(rs))
        .list();
  }

  /** Incidents with items whose attribution is still pending, oldest first. */
  public List<String> pendingIncidents(int limit) {
    return jdbc
        .sql(
            "SELECT incident_id, MIN(recorded_at) AS first_at FROM incident_enrichment"
                + " WHERE unknown_reason = ? GROUP BY incident_id ORDER BY first_at")
        .param(ItemAttribution.UnknownReason.PENDING.name())
        .query((rs, n) -> rs.getString("incident_id"))
        .list()
        .stream()
        .limit(limit)
        .toList();
  }

  private boolean upsert(String incidentId, ItemAttribution fact) {
    ItemAttribution.ItemRef item = fact.item();
    Optional<ItemAttribution> current =
        jdbc.sql(
                "SELECT "
                    + COLUMNS
                    + " FROM incident_enrichment WHERE incident_id = ? AND kind = ? AND namespace"
                    + " = ? AND name = ? AND uid = ?")
            .params(incidentId, item.kind(), item.namespace(), item.name(), item.uid())
            .query((rs, n) -> map(rs))
            .optional();
    if (current.isPresent() && current.get().equals(fact)) {
      return false;
    }
    ItemAttribution.Actor actor = fact.actor();
    ItemAttribution.Cause cause = fact.cause();
    Object[] values = {
      actor == null ? null : actor.source().name(),
      actor == null ? null : actor.username(),
      actor == null ? null : String.join("\n", actor.groups()),
      actor == null ? null : actor.userAgent(),
      actor == null ? null : String.join("\n", actor.sourceIps()),
      actor == null ? null : actor.verb(),
      actor == null || actor.at() == null ? null : actor.at().atOffset(ZoneOffset.UTC),
      cause == null ? null : cause.kind(),
      cause == null ? null : cause.namespace(),
      cause == null ? null : cause.name(),
      fact.run(),
      fact.unknown() == null ? null : fact.unknown().name(),
      OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)
    };
    if (current.isEmpty()) {
      jdbc.sql(
              "INSERT INTO incident_enrichment ("
                  + COLUMNS
                  + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)")
          .params(
              concat(
                  new Object[] {incidentId, item.kind(), item.namespace(), item.name(), item.uid()},
                  values))
          .update();
    } else {
      jdbc.sql(
              "UPDATE incident_enrichment SET actor_source = ?, username = ?, user_groups = ?,"
                  + " user_agent = ?, source_ips = ?, verb = ?, acted_at = ?, cause_kind = ?,"
                  + " cause_namespace = ?, cause_name = ?, run_ref = ?, unknown_reason = ?,"
                  + " recorded_at = ?, revision = revision + 1 WHERE incident_id = ? AND kind = ?"
                  + " AND namespace = ? AND name = ? AND uid = ?")
          .params(
              concat(
                  values,
                  new Object[] {
                    incidentId, item.kind(), item.namespace(), item.name(), item.uid()
                  }))
          .update();
    }
    return true;
  }

  private static Object[] concat(Object[] a, Object[] b) {
    Object[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static ItemAttribution map(ResultSet rs) throws SQLException {
    ItemAttribution.ItemRef item =
        new ItemAttribution.ItemRef(
            rs.getString("kind"),
            rs.getString("namespace"),
            rs.getString("name"),
            rs.getString("uid"));
    String source = rs.getString("actor_source");
    ItemAttribution.Actor actor = null;
    if (source != null) {
      OffsetDateTime at = rs.getObject("acted_at", OffsetDateTime.class);
      actor =
          new ItemAttribution.Actor(
              rs.getString("username"),
              lines(rs.getString("user_groups")),
              rs.getString("user_agent"),
              lines(rs.getString("source_ips")),
              rs.getString("verb"),
              at == null ? null : at.toInstant(),
              ItemAttribution.Source.valueOf(source));
    }
    String causeKind = rs.getString("cause_kind");
    ItemAttribution.Cause cause =
        causeKind == null
            ? null
            : new ItemAttribution.Cause(
                causeKind, rs.getString("cause_namespace"), rs.getString("cause_name"));
    String reason = rs.getString("unknown_reason");
    return new ItemAttribution(
        item,
        actor,
        cause,
        rs.getString("run_ref"),
        reason == null ? null : ItemAttribution.UnknownReason.valueOf(reason));
  }

  private static List<String> lines(String value) {
    return value == null || value.isEmpty() ? List.of() : List.of(value.split("\n"));
  }
}
