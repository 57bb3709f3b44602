package io.stagingcanary.data;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/** The {@code data_integrity} table (migration V20): expected digests and check results. */
@Repository
class DataLedger {

  private static final String COLUMNS =
      "cluster_id, namespace, claim, set_name, tenant, claim_uid, generation, size_bytes,"
          + " expected_sha256, write_state, written_at, check_state, check_detail, checked_at";

  private final JdbcClient jdbc;
  private final TransactionTemplate transaction;
  private final Clock clock;

  @Autowired
  DataLedger(JdbcClient jdbc, TransactionTemplate transaction) {
    this(jdbc, transaction, Clock.systemUTC());
  }

  DataLedger(JdbcClient jdbc, TransactionTemplate transaction, Clock clock) {
    this.jdbc = jdbc;
    this.transaction = transaction;
    this.clock = clock;
  }

  List<DataRecord> findAll(String clusterId) {
    return jdbc
        .sql("SELECT " + COLUMNS + " FROM data_integrity WHERE cluster_id = :clusterId")
        .param("clusterId", clusterId)
        .query(DataLedger::toRecord)
        .list()
        .stream()
        .sorted(Comparator.comparing(DataRecord::namespace).thenComparing(DataRecord::claim))
        .toList();
  }

  Optional<DataRecord> find(String clusterId, String namespace, String claim) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM data_integrity WHERE cluster_id = :clusterId AND namespace = :namespace"
                + " AND claim = :claim")
        .param("clusterId", clusterId)
        .param("namespace", namespace)
        .param("claim", claim)
        .query(DataLedger::toRecord)
        .optional();
  }

  /** Inserts or replaces the record of a claim. */
  void save(DataRecord record) {
    transaction.executeWithoutResult(
        status -> {
          int updated =
              params(
                      jdbc.sql(
                          "UPDATE data_integrity SET set_name = :set, tenant = :tenant,"
                              + " claim_uid = :claimUid, generation = :generation,"
                              + " size_bytes = :size, expected_sha256 = :expected,"
                              + " write_state = :writeState, written_at = :writtenAt,"
                              + " check_state = :checkState, check_detail = :checkDetail,"
                              + " checked_at = :checkedAt, updated_at = :now"
                              + " WHERE cluster_id = :clusterId AND namespace = :namespace"
                              + " AND claim = :claim"),
                      record)
                  .update();
          if (updated == 0) {
            params(
                    jdbc.sql(
                        "INSERT INTO data_integrity ("
                            + COLUMNS
                            + ", updated_at) VALUES (:clusterId, :namespace, :claim, :set,"
                            + " :tenant, :claimUid, :generation, :size, :expected, :writeState,"
                            + " :writtenAt, :checkState, :checkDetail, :checkedAt, :now)"),
                    record)
                .update();
          }
        });
  }

  private JdbcClient.StatementSpec params(JdbcClient.StatementSpec spec, DataRecord r) {
    return spec.param("clusterId", r.clusterId())
        .param("namespace", r.namespace())
        .param("claim", r.claim())
        .param("set", r.set())
        .param("tenant", r.tenant())
        .param("claimUid", r.claimUid())
        .param("generation", r.generation())
        .param("size", r.sizeBytes())
        .param("expected", r.expectedSha256())
        .param("writeState", r.writeState().name())
        .param("writtenAt", utc(r.writtenAt()))
        .param("checkState", r.checkState() == null ? null : r.checkState().name())
        .param("checkDetail", r.checkDetail())
        .param("checkedAt", utc(r.checkedAt()))
        .param("now", utc(clock.instant()));
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  private static DataRecord toRecord(ResultSet rs, int row) throws SQLException {
    String checkState = rs.getString("check_state");
    return DataRecord.builder()
        .clusterId(rs.getString("cluster_id"))
        .claim(rs.getString("namespace"), rs.getString("claim"), rs.getString("claim_uid"))
        .owner(rs.getString("set_name"), rs.getString("tenant"))
        .content(rs.getInt("generation"), rs.getLong("size_bytes"), rs.getString("expected_sha256"))
        .write(
            DataRecord.WriteState.valueOf(rs.getString("write_state")), instant(rs, "written_at"))
        .check(
            checkState == null ? null : DataRecord.CheckState.valueOf(checkState),
            rs.getString("check_detail"),
            instant(rs, "checked_at"))
        .build();
  }
}
