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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Incidents in the ledger database (H2 or PostgreSQL); an incident and its items change together.
 * Items are stored as facts ({@link ItemColumns}); nothing rendered is stored.
 *
 * <p>A read takes one connection at a time: the incidents first, then their items in one query
 * after the first result set is closed, so concurrent readers cannot deadlock the pool. An update
 * writes only the items that changed.
 */
@Repository
public class JdbcIncidentStore implements IncidentStore {

  private static final String COLUMNS =
      "incident_id, cluster_id, cluster_name, incident_type, detected_by, opened_at, sealed_at,"
          + " resolved_at, blind_from, blind_to, headline";

  private static final String ITEM_COLUMNS =
      "incident_id, api_version, kind, namespace, name, set_name, tenant, status, reasons,"
          + " field_changes, expected_uid, actual_uid";

  private final JdbcClient jdbc;
  private final NamedParameterJdbcTemplate named;
  private final TransactionTemplate transaction;

  public JdbcIncidentStore(DataSource dataSource) {
    this.named = new NamedParameterJdbcTemplate(dataSource);
    this.jdbc = JdbcClient.create(named);
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
                      + " :sealedAt, :resolvedAt, :blindFrom, :blindTo, :headline)")
              .paramSource(params(incident))
              .update();
          insertItems(incident.id(), incident.items());
        });
  }

  @Override
  public void update(Incident incident) {
    transaction.executeWithoutResult(
        status -> {
          jdbc.sql(
                  "UPDATE incident SET sealed_at = :sealedAt, resolved_at = :resolvedAt,"
                      + " blind_from = :blindFrom, blind_to = :blindTo, headline = :headline"
                      + " WHERE incident_id = :id")
              .paramSource(params(incident))
              .update();
          writeChangedItems(incident);
        });
  }

  @Override
  public void inTransaction(Runnable work) {
    transaction.executeWithoutResult(status -> work.run());
  }

  @Override
  public Optional<Incident> find(String id) {
    return withItems(
            jdbc.sql("SELECT " + COLUMNS + " FROM incident WHERE incident_id = :id")
                .param("id", id)
                .query(JdbcIncidentStore::toIncident)
                .list())
        .stream()
        .findFirst();
  }

  @Override
  public List<Incident> list(String clusterId, int limit) {
    return withItems(
        jdbc.sql(
                "SELECT "
                    + COLUMNS
                    + " FROM incident WHERE cluster_id = :clusterId"
                    + " ORDER BY opened_at DESC, incident_id DESC")
            .param("clusterId", clusterId)
            .withMaxRows(limit)
            .query(JdbcIncidentStore::toIncident)
            .list());
  }

  @Override
  public List<Incident> open(String clusterId) {
    return withItems(
        jdbc.sql(
                "SELECT "
                    + COLUMNS
                    + " FROM incident WHERE cluster_id = :clusterId AND resolved_at IS NULL"
                    + " ORDER BY opened_at, incident_id")
            .param("clusterId", clusterId)
            .query(JdbcIncidentStore::toIncident)
            .list());
  }

  @Override
  public void resolve(String id, Instant at) {
    jdbc.sql(
            "UPDATE incident SET resolved_at = :at WHERE incident_id = :id AND resolved_at IS NULL")
        .param("at", utc(at))
        .param("id", id)
        .update();
  }

  /** Deletes, updates and inserts only the items that differ from the stored ones. */
  private void writeChangedItems(Incident incident) {
    Map<ResourceKey, Incident.Item> stored = new HashMap<>();
    for (Incident.Item item :
        items(List.of(incident.id())).getOrDefault(incident.id(), List.of())) {
      stored.put(item.key(), item);
    }
    List<Incident.Item> added = new ArrayList<>();
    List<Incident.Item> changed = new ArrayList<>();
    for (Incident.Item item : incident.items()) {
      Incident.Item before = stored.remove(item.key());
      if (before == null) {
        added.add(item);
      } else if (!normalised(before).equals(normalised(item))) {
        changed.add(item);
      }
    }
    if (!stored.isEmpty()) {
      named.batchUpdate(
          "DELETE FROM incident_item WHERE incident_id = :id AND api_version = :apiVersion"
              + " AND kind = :kind AND namespace = :namespace AND name = :name",
          itemParams(incident.id(), stored.values()));
    }
    if (!changed.isEmpty()) {
      named.batchUpdate(
          "UPDATE incident_item SET set_name = :set, tenant = :tenant, status = :status,"
              + " reasons = :reasons, field_changes = :fieldChanges, expected_uid = :expectedUid,"
              + " actual_uid = :actualUid WHERE incident_id = :id AND api_version = :apiVersion"
              + " AND kind = :kind AND namespace = :namespace AND name = :name",
          itemParams(incident.id(), changed));
    }
    insertItems(incident.id(), added);
  }

  private void insertItems(String incidentId, Collection<Incident.Item> items) {
    if (items.isEmpty()) {
      return;
    }
    named.batchUpdate(
        "INSERT INTO incident_item ("
            + ITEM_COLUMNS
            + ") VALUES (:id, :apiVersion, :kind, :namespace, :name, :set, :tenant, :status,"
            + " :reasons, :fieldChanges, :expectedUid, :actualUid)",
        itemParams(incidentId, items));
  }

  private static SqlParameterSource[] itemParams(
      String incidentId, Collection<Incident.Item> items) {
    return items.stream()
        .map(
            item -> {
              ResourceKey key = item.key();
              ItemColumns columns = ItemColumns.of(item.change());
              return new MapSqlParameterSource()
                  .addValue("id", incidentId)
                  .addValue("apiVersion", key.apiVersion())
                  .addValue("kind", key.kind())
                  .addValue("namespace", key.namespace() == null ? "" : key.namespace())
                  .addValue("name", key.name())
                  .addValue("set", item.set() == null ? "" : item.set())
                  .addValue("tenant", item.tenant() == null ? "" : item.tenant())
                  .addValue("status", columns.status().name())
                  .addValue("reasons", columns.reasons())
                  .addValue("fieldChanges", columns.fieldChanges())
                  .addValue("expectedUid", columns.expectedUid())
                  .addValue("actualUid", columns.actualUid());
            })
        .toArray(SqlParameterSource[]::new);
  }

  /** An item as it reads back (empty set and tenant as null, the verdict through its columns). */
  private static Incident.Item normalised(Incident.Item item) {
    return new Incident.Item(
        item.key(),
        emptyAsNull(item.set()),
        emptyAsNull(item.tenant()),
        ItemColumns.of(item.change()).change());
  }

  private static String emptyAsNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  /** The incidents with their items, read after the incidents' result set is closed. */
  private List<Incident> withItems(List<Incident> incidents) {
    if (incidents.isEmpty()) {
      return incidents;
    }
    Map<String, List<Incident.Item>> items = items(incidents.stream().map(Incident::id).toList());
    return incidents.stream()
        .map(i -> i.toBuilder().items(items.getOrDefault(i.id(), List.of())).build())
        .toList();
  }

  private static Incident toIncident(ResultSet rs, int row) throws SQLException {
    return Incident.builder()
        .id(rs.getString("incident_id"))
        .cluster(rs.getString("cluster_id"), rs.getString("cluster_name"))
        .type(Incident.Type.valueOf(rs.getString("incident_type")))
        .detectedBy(Incident.DetectedBy.valueOf(rs.getString("detected_by")))
        .openedAt(instant(rs, "opened_at"))
        .sealedAt(instant(rs, "sealed_at"))
        .resolvedAt(instant(rs, "resolved_at"))
        .blindInterval(instant(rs, "blind_from"), instant(rs, "blind_to"))
        .headline(rs.getString("headline"))
        .build();
  }

  /** The items of these incidents, by incident id, each list sorted by key. */
  private Map<String, List<Incident.Item>> items(List<String> ids) {
    Map<String, List<Incident.Item>> items = new HashMap<>();
    jdbc.sql("SELECT " + ITEM_COLUMNS + " FROM incident_item WHERE incident_id IN (:ids)")
        .param("ids", ids)
        .query(
            rs -> {
              items
                  .computeIfAbsent(rs.getString("incident_id"), k -> new ArrayList<>())
                  .add(
                      new Incident.Item(
                          new ResourceKey(
                              rs.getString("api_version"),
                              rs.getString("kind"),
                              rs.getString("namespace"),
                              rs.getString("name")),
                          emptyAsNull(rs.getString("set_name")),
                          emptyAsNull(rs.getString("tenant")),
                          new ItemColumns(
                                  StatusType.valueOf(rs.getString("status")),
                                  rs.getString("reasons"),
                                  rs.getString("field_changes"),
                                  rs.getString("expected_uid"),
                                  rs.getString("actual_uid"))
                              .change()));
            });
    items.values().forEach(list -> list.sort((a, b) -> a.key().compareTo(b.key())));
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
        .addValue("headline", incident.headline());
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
