package io.stagingcanary.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.StatusType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ScriptUtils;

/**
 * Incidents recorded by the V40 store stay readable after the upgrade: an empty database is
 * migrated to V40, the rows the V40 store wrote are inserted ({@code
 * db/fixtures/incidents-v40.sql}, captured from it), the database is migrated to the latest version
 * and read through today's store. Each incident renders as the V40 store had rendered it; the one
 * whose stored diff lacked items restored after a restart renders them too, from their one-line
 * detail.
 */
abstract class IncidentUpgradeContract {

  static final String CLUSTER = "c-7f3a";
  static final String LOSS = "inc-20261122-100000-2c07";
  static final String BLIND = "inc-20261122-100110-ad8c";
  static final String RESTARTED = "inc-20261122-100246-93b6";
  static final String RESET = "inc-20261122-100353-2bd1";

  /** An empty database. */
  abstract DataSource newDatabase() throws Exception;

  @Test
  void incidentsRecordedByV40AreReadableAfterTheUpgrade() throws Exception {
    DataSource dataSource = newDatabase();
    flyway(dataSource).target("40").load().migrate();
    try (Connection connection = dataSource.getConnection()) {
      ScriptUtils.executeSqlScript(
          connection, new ClassPathResource("db/fixtures/incidents-v40.sql"));
    }
    Map<String, String[]> rendered = renderedByV40(dataSource);

    flyway(dataSource).load().migrate();

    JdbcIncidentStore store = new JdbcIncidentStore(dataSource);
    List<Incident> incidents = store.list(CLUSTER, 10);
    assertThat(incidents)
        .extracting(Incident::id, Incident::type, Incident::isSealed, Incident::isOpen)
        .containsExactly(
            tuple(RESET, Incident.Type.ENVIRONMENT_RESET, true, false),
            tuple(RESTARTED, Incident.Type.SENTINEL_LOSS, true, true),
            tuple(BLIND, Incident.Type.SENTINEL_LOSS, true, false),
            tuple(LOSS, Incident.Type.SENTINEL_LOSS, true, true));

    Incident loss = store.find(LOSS).orElseThrow();
    assertThat(loss.items())
        .extracting(i -> i.key().kind(), Incident.Item::status)
        .containsExactlyInAnyOrder(
            tuple("Namespace", StatusType.MISSING),
            tuple("ConfigMap", StatusType.MODIFIED),
            tuple("PersistentVolumeClaim", StatusType.REPLACED),
            tuple("Secret", StatusType.MISSING),
            tuple("ServiceAccount", StatusType.MISSING),
            tuple("User", StatusType.MISSING),
            tuple("ClusterRole", StatusType.MISSING));
    Incident.Item configMap =
        loss.items().stream().filter(i -> i.key().kind().equals("ConfigMap")).findFirst().get();
    assertThat(configMap.set()).isEqualTo("openshift-online");
    assertThat(configMap.tenant()).isEqualTo("acme");
    assertThat(configMap.detail())
        .startsWith("metadata.labels[\"stagingcanary.io/sentinel\"]: \"true\" → <removed>")
        .contains("data.replicas: 3 → 5 (value changed)");
    for (String id : List.of(LOSS, BLIND, RESET)) {
      Incident incident = store.find(id).orElseThrow();
      assertThat(incident.text()).as("text of %s", id).isEqualTo(rendered.get(id)[0]);
      assertThat(incident.markdown()).as("Markdown of %s", id).isEqualTo(rendered.get(id)[1]);
      assertThat(incident.json()).as("JSON of %s", id).isEqualTo(rendered.get(id)[2]);
    }

    Incident blind = store.find(BLIND).orElseThrow();
    assertThat(blind.blindFrom()).isEqualTo(Instant.parse("2026-11-22T10:00:25.123456Z"));
    assertThat(blind.blindTo()).isEqualTo(Instant.parse("2026-11-22T10:01:10.123456Z"));

    // Stored before its restart-escalation: the ConfigMap is in no stored diff, only in its row.
    Incident restarted = store.find(RESTARTED).orElseThrow();
    assertThat(rendered.get(RESTARTED)[0]).doesNotContain("ConfigMap");
    assertThat(restarted.items())
        .extracting(Incident.Item::key, Incident.Item::status)
        .containsExactlyInAnyOrder(
            tuple(
                ResourceKey.clusterScoped("v1", "Namespace", "canary-initech"), StatusType.MISSING),
            tuple(
                ResourceKey.namespaced("v1", "ConfigMap", "canary-initech", "tps"),
                StatusType.MODIFIED),
            tuple(
                ResourceKey.namespaced("v1", "Secret", "canary-initech", "token"),
                StatusType.MISSING));
    assertThat(restarted.text())
        .contains(
            "    MODIFIED  ConfigMap canary-initech/tps\n"
                + "      data.cover: \""
                + "x".repeat(78)
                + "… → <removed> (value removed)\n")
        .contains("    MISSING   Secret canary-initech/token\n");

    // The pre-rendered columns are gone; what is stored is data.
    assertThat(columns(dataSource, "INCIDENT"))
        .doesNotContain("DIFF_TEXT", "DIFF_MARKDOWN", "DIFF_JSON");
    assertThat(columns(dataSource, "INCIDENT_ITEM"))
        .contains("REASONS", "FIELD_CHANGES", "EXPECTED_UID", "ACTUAL_UID")
        .doesNotContain("DETAIL");
    assertThat(
            new JdbcTemplate(dataSource)
                .queryForObject(
                    "SELECT expected_uid FROM incident_item WHERE kind = 'PersistentVolumeClaim'",
                    String.class))
        .isEqualTo("uid-1111");
  }

  private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(
      DataSource dataSource) {
    return Flyway.configure().dataSource(dataSource).locations("classpath:db/migration");
  }

  /** Text, Markdown and JSON as the V40 store kept them, by incident id. */
  private static Map<String, String[]> renderedByV40(DataSource dataSource) throws Exception {
    Map<String, String[]> rendered = new HashMap<>();
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT incident_id, diff_text, diff_markdown, diff_json FROM incident")) {
      while (rs.next()) {
        rendered.put(
            rs.getString(1), new String[] {rs.getString(2), rs.getString(3), rs.getString(4)});
      }
    }
    assertThat(rendered).hasSize(4);
    return rendered;
  }

  private static List<String> columns(DataSource dataSource, String table) throws Exception {
    List<String> columns = new java.util.ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        ResultSet rs = connection.getMetaData().getColumns(null, null, null, null)) {
      while (rs.next()) {
        if (rs.getString("TABLE_NAME").equalsIgnoreCase(table)) {
          columns.add(rs.getString("COLUMN_NAME").toUpperCase(java.util.Locale.ROOT));
        }
      }
    }
    return columns;
  }
}
