package io.stagingcanary.incident;

import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.StatusType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Incidents in the ledger database (H2 or PostgreSQL); an incident and its items change together.
 */
@Repository
public class JdbcIncidentStore implements IncidentStore {

  private static final String COLUMNS =
      "incident_id, cluster_id, cluster_name, incident_type, detected_by, opened_at, sealed_at,"
          + " resolved_at, blind_from, blind_to, headline, diff_text, diff_markdown, diff_json";

  private final JdbcClient jdbc;
  private final TransactionTemplate transaction;

  public JdbcIncidentStore(DataSource dataSource) {
    this.jdbc = JdbcClient.create(dataSource);
    this.transaction = new TransactionTemplate(new JdbcTransactionManager(dataSource));
  }

  @Override
  public void insert(Incident incident) {
    transaction.executeWithoutResult(
        status -> {
          jdbc.sql(
                  "INSERT INTO incident ("
                      + COLUMNS
                      + ") VALUES (:id, :clusterId, :clusterName, :type, :detectedBy, :openedAt,"
                      + " :sealedAt, :resolvedAt, :blindFrom, :blindTo, :headline, :text,"
                      + " :markdown, :json)")
              .paramSource(params(incident))
              .update();
          insertItems(incident);
        });
  }

  @Override
  public void update(Incident incident) {
    transaction.executeWithoutResult(
        status -> {
          jdbc.sql(
                  "UPDATE incident SET sealed_at = :sealedAt, resolved_at = :resolvedAt,"
                      + " blind_from = :blindFrom, blind_to = :blindTo, headline = :headline,"
                      + " diff_text = :text, diff_markdown = :markdown, diff_json = :json"
                      + " WHERE incident_id = :id")
              .paramSource(params(incident))
              .update();
          jdbc.sql("DELETE FROM incident_item WHERE incident_id = :id")
              .param("id", incident.id())
              .update();
          insertItems(incident);
        });
  }

  @Override
  public void inTransaction(Runnable work) {
    transaction.executeWithoutResult(status -> work.run());
  }

  @Override
  public Optional<Incident> find(String id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM incident WHERE incident_id = :id")
        .param("id", id)
        .query(this::toIncident)
        .optional();
  }

  @Override
  public List<Incident> list(String clusterId, int limit) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM incident WHERE cluster_id = :clusterId"
                + " ORDER BY opened_at DESC, incident_id DESC")
        .param("clusterId", clusterId)
        .withMaxRows(limit)
        .query(this::toIncident)
        .list();
  }

  @Override
  public List<Incident> open(String clusterId) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM incident WHERE cluster_id = :clusterId AND resolved_at IS NULL"
                + " ORDER BY opened_at, incident_id")
        .param("clusterId", clusterId)
        .query(this::toIncident)
        .list();
  }

  @Override
  public void resolve(String id, Instant at) {
    jdbc.sql(
            "UPDATE incident SET resolved_at = :at WHERE incident_id = :id AND resolved_at IS NULL")
        .param("at", utc(at))
        .param("id", id)
        .update();
  }

  private void insertItems(Incident incident) {
    for (Incident.Item item : incident.items()) {
      ResourceKey key = item.key();
      jdbc.sql(
              "INSERT INTO incident_item (incident_id, api_version, kind, namespace, name, set_name,"
                  + " tenant, status, detail) VALUES (:id, :apiVersion, :kind, :namespace, :name,"
                  + " :set, :tenant, :status, :detail)")
          .param("id", incident.id())
          .param("apiVersion", key.apiVersion())
          .param("kind", key.kind())
          .param("namespace", key.namespace() == null ? "" : key.namespace())
          .param("name", key.name())
          .param("set", item.set() == null ? "" : item.set())
          .param("tenant", item.tenant() == null ? "" : item.tenant())
          .param("status", item.status().name())
          .param("detail", item.detail() == null ? "" : item.detail())
          .update();
    }
  }

  private Incident toIncident(ResultSet rs, int row) throws SQLException {
    String id = rs.getString("incident_id");
    return new Incident(
        id,
        rs.getString("cluster_id"),
        rs.getString("cluster_name"),
        Incident.Type.valueOf(rs.getString("incident_type")),
        Incident.DetectedBy.valueOf(rs.getString("detected_by")),
        instant(rs, "opened_at"),
        instant(rs, "sealed_at"),
        instant(rs, "resolved_at"),
        instant(rs, "blind_from"),
        instant(rs, "blind_to"),
        rs.getString("headline"),
        items(id),
        rs.getString("diff_text"),
        rs.getString("diff_markdown"),
        rs.getString("diff_json"));
  }

  private List<Incident.Item> items(String id) {
    List<Incident.Item> items = new ArrayList<>();
    jdbc.sql(
            "SELECT api_version, kind, namespace, name, set_name, tenant, status, detail"
                + " FROM incident_item WHERE incident_id = :id")
        .param("id", id)
        .query(
            rs -> {
              items.add(
                  new Incident.Item(
                      new ResourceKey(
                          rs.getString("api_version"),
                          rs.getString("kind"),
                          rs.getString("namespace"),
                          rs.getString("name")),
                      rs.getString("set_name"),
                      rs.getString("tenant"),
                      StatusType.valueOf(rs.getString("status")),
                      rs.getString("detail")));
            });
    items.sort((a, b) -> a.key().compareTo(b.key()));
    return items;
  }

  private static MapSqlParameterSource params(Incident incident) {
    return new MapSqlParameterSource()
        .addValue("id", incident.id())
        .addValue("clusterId", incident.clusterId())
        .addValue("clusterName", incident.clusterName())
        .addValue("type", incident.type().name())
        .addValue("detectedBy", incident.detectedBy().name())
        .addValue("openedAt", utc(incident.openedAt()))
        .addValue("sealedAt", utc(incident.sealedAt()))
        .addValue("resolvedAt", utc(incident.resolvedAt()))
        .addValue("blindFrom", utc(incident.blindFrom()))
        .addValue("blindTo", utc(incident.blindTo()))
        .addValue("headline", incident.headline())
        .addValue("text", incident.text())
        .addValue("markdown", incident.markdown())
        .addValue("json", incident.json());
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
