package io.stagingcanary.store;

import io.stagingcanary.diff.ResourceKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The ledger on any JDBC database the Flyway migrations support (H2 2.x, PostgreSQL 15+). Upserts
 * are UPDATE-then-INSERT in one transaction, retried once if a concurrent writer inserted first.
 * Results are sorted in Java so that the order does not depend on the database collation.
 */
@Repository
public class JdbcLedger implements Ledger {

  private static final String ENTRY_COLUMNS =
      "cluster_id, api_version, kind, namespace, name, set_name, tenant, uid, resource_version,"
          + " fingerprint, manifest, seeded_at, generation";
  private static final String KEY_MATCH =
      "cluster_id = :clusterId AND api_version = :apiVersion AND kind = :kind"
          + " AND namespace = :namespace AND name = :name";
  private static final Comparator<LedgerEntry> BY_KEY = Comparator.comparing(LedgerEntry::key);

  private final JdbcClient jdbc;
  private final TransactionTemplate transaction;
  private final Clock clock;

  @Autowired
  public JdbcLedger(JdbcClient jdbc, TransactionTemplate transaction) {
    this(jdbc, transaction, Clock.systemUTC());
  }

  public JdbcLedger(JdbcClient jdbc, TransactionTemplate transaction, Clock clock) {
    this.jdbc = jdbc;
    this.transaction = transaction;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public List<LedgerEntry> findAll(String clusterId) {
    return jdbc
        .sql("SELECT " + ENTRY_COLUMNS + " FROM ledger_entry WHERE cluster_id = :clusterId")
        .param("clusterId", clusterId)
        .query(JdbcLedger::toEntry)
        .list()
        .stream()
        .sorted(BY_KEY)
        .toList();
  }

  @Override
  public List<LedgerSummary> summaries(String clusterId) {
    return jdbc
        .sql(
            "SELECT api_version, kind, namespace, name, uid, seeded_at, generation"
                + " FROM ledger_entry WHERE cluster_id = :clusterId")
        .param("clusterId", clusterId)
        .query(
            (rs, row) ->
                new LedgerSummary(
                    new ResourceKey(
                        rs.getString("api_version"),
                        rs.getString("kind"),
                        rs.getString("namespace"),
                        rs.getString("name")),
                    rs.getString("uid"),
                    instant(rs, "seeded_at"),
                    rs.getInt("generation")))
        .list()
        .stream()
        .sorted(Comparator.comparing(LedgerSummary::key))
        .toList();
  }

  @Override
  public List<LedgerEntry> findBySet(String clusterId, String set) {
    return jdbc
        .sql(
            "SELECT "
                + ENTRY_COLUMNS
                + " FROM ledger_entry WHERE cluster_id = :clusterId AND set_name = :set")
        .param("clusterId", clusterId)
        .param("set", set)
        .query(JdbcLedger::toEntry)
        .list()
        .stream()
        .sorted(BY_KEY)
        .toList();
  }

  @Override
  public Optional<LedgerEntry> find(String clusterId, ResourceKey key) {
    return withKey(
            jdbc.sql("SELECT " + ENTRY_COLUMNS + " FROM ledger_entry WHERE " + KEY_MATCH),
            clusterId,
            key)
        .query(JdbcLedger::toEntry)
        .optional();
  }

  @Override
  public void save(LedgerEntry entry) {
    Objects.requireNonNull(entry, "entry");
    Instant now = clock.instant();
    try {
      transaction.executeWithoutResult(status -> upsert(entry, now));
    } catch (DuplicateKeyException concurrentInsert) {
      // Another writer inserted the same key between our UPDATE and INSERT: now the UPDATE hits.
      transaction.executeWithoutResult(status -> upsert(entry, now));
    }
  }

  private void upsert(LedgerEntry entry, Instant now) {
    int updated =
        withEntry(
                jdbc.sql(
                    "UPDATE ledger_entry SET set_name = :set, tenant = :tenant, uid = :uid,"
                        + " resource_version = :resourceVersion, fingerprint = :fingerprint,"
                        + " manifest = :manifest, seeded_at = :seededAt, generation = :generation,"
                        + " updated_at = :updatedAt WHERE "
                        + KEY_MATCH),
                entry,
                now)
            .update();
    if (updated == 0) {
      withEntry(
              jdbc.sql(
                  "INSERT INTO ledger_entry ("
                      + ENTRY_COLUMNS
                      + ", updated_at) VALUES (:clusterId, :apiVersion, :kind, :namespace, :name,"
                      + " :set, :tenant, :uid, :resourceVersion, :fingerprint, :manifest,"
                      + " :seededAt, :generation, :updatedAt)"),
              entry,
              now)
          .update();
    }
  }

  @Override
  public boolean delete(String clusterId, ResourceKey key) {
    return withKey(jdbc.sql("DELETE FROM ledger_entry WHERE " + KEY_MATCH), clusterId, key).update()
        > 0;
  }

  @Override
  public int count(String clusterId) {
    return jdbc.sql("SELECT COUNT(*) FROM ledger_entry WHERE cluster_id = :clusterId")
        .param("clusterId", clusterId)
        .query(Long.class)
        .single()
        .intValue();
  }

  @Override
  public void touchCluster(String clusterId, String clusterName, Instant now) {
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(clusterName, "clusterName");
    OffsetDateTime seenAt = utc(now);
    Runnable touch =
        () -> {
          int updated =
              jdbc.sql(
                      "UPDATE cluster SET cluster_name = :name, last_seen_at = :seenAt"
                          + " WHERE cluster_id = :clusterId")
                  .param("name", clusterName)
                  .param("seenAt", seenAt)
                  .param("clusterId", clusterId)
                  .update();
          if (updated == 0) {
            jdbc.sql(
                    "INSERT INTO cluster (cluster_id, cluster_name, first_seen_at, last_seen_at)"
                        + " VALUES (:clusterId, :name, :seenAt, :seenAt)")
                .param("clusterId", clusterId)
                .param("name", clusterName)
                .param("seenAt", seenAt)
                .update();
          }
        };
    try {
      transaction.executeWithoutResult(status -> touch.run());
    } catch (DuplicateKeyException concurrentInsert) {
      transaction.executeWithoutResult(status -> touch.run());
    }
  }

  @Override
  public Optional<ClusterRecord> findCluster(String clusterId) {
    return jdbc.sql(
            "SELECT cluster_id, cluster_name, first_seen_at, last_seen_at FROM cluster"
                + " WHERE cluster_id = :clusterId")
        .param("clusterId", clusterId)
        .query(JdbcLedger::toCluster)
        .optional();
  }

  @Override
  public List<ClusterRecord> clusters() {
    return jdbc
        .sql("SELECT cluster_id, cluster_name, first_seen_at, last_seen_at FROM cluster")
        .query(JdbcLedger::toCluster)
        .list()
        .stream()
        .sorted(Comparator.comparing(ClusterRecord::clusterId))
        .toList();
  }

  private static JdbcClient.StatementSpec withKey(
      JdbcClient.StatementSpec statement, String clusterId, ResourceKey key) {
    return statement
        .param("clusterId", Objects.requireNonNull(clusterId, "clusterId"))
        .param("apiVersion", key.apiVersion())
        .param("kind", key.kind())
        .param("namespace", key.namespace() == null ? "" : key.namespace())
        .param("name", key.name());
  }

  private static JdbcClient.StatementSpec withEntry(
      JdbcClient.StatementSpec statement, LedgerEntry entry, Instant now) {
    return withKey(statement, entry.clusterId(), entry.key())
        .param("set", entry.set())
        .param("tenant", entry.tenant())
        .param("uid", entry.uid())
        .param("resourceVersion", entry.resourceVersion())
        .param("fingerprint", entry.fingerprint())
        .param("manifest", entry.manifestJson())
        .param("seededAt", utc(entry.seededAt()))
        .param("generation", entry.generation())
        .param("updatedAt", utc(now));
  }

  private static LedgerEntry toEntry(ResultSet rs, int row) throws SQLException {
    return LedgerEntry.builder()
        .clusterId(rs.getString("cluster_id"))
        .key(
            new ResourceKey(
                rs.getString("api_version"),
                rs.getString("kind"),
                rs.getString("namespace"), // '' becomes null: cluster-scoped
                rs.getString("name")))
        .owner(rs.getString("set_name"), rs.getString("tenant"))
        .server(rs.getString("uid"), rs.getString("resource_version"))
        .content(rs.getString("fingerprint"), rs.getString("manifest"))
        .seededAt(instant(rs, "seeded_at"))
        .generation(rs.getInt("generation"))
        .build();
  }

  private static ClusterRecord toCluster(ResultSet rs, int row) throws SQLException {
    return new ClusterRecord(
        rs.getString("cluster_id"),
        rs.getString("cluster_name"),
        instant(rs, "first_seen_at"),
        instant(rs, "last_seen_at"));
  }

  private static OffsetDateTime utc(Instant instant) {
    return Objects.requireNonNull(instant, "instant")
        .truncatedTo(ChronoUnit.MICROS)
        .atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }
}
