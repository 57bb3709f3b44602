package io.stagingcanary.runs;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Runs and deployments in the ledger database (H2 or PostgreSQL). Joins the caller's transaction
 * when there is one, so a verdict and the alert outbox row commit together.
 */
@Repository
public class JdbcRunStore implements RunStore {

  private static final String COLUMNS =
      "run_id, cluster_id, tool, tool_version, git_commit, pipeline_url, policy, run_source,"
          + " job_namespace, job_name, job_uid, run_identity, run_status, verdict, started_at, completed_at,"
          + " exit_code, violations, headline, baseline_json, result_json, report_text,"
          + " report_markdown, report_junit";

  private static final String DEPLOYMENT_COLUMNS =
      "deployment_id, cluster_id, tool, kind, namespace, name, old_image, new_image, deployed_at";

  private final JdbcClient jdbc;

  public JdbcRunStore(DataSource dataSource) {
    this.jdbc = JdbcClient.create(dataSource);
  }

  @Override
  public void insert(ToolRun run) {
    jdbc.sql(
            "INSERT INTO tool_run ("
                + COLUMNS
                + ") VALUES (:id, :clusterId, :tool, :version, :commit, :pipelineUrl, :policy,"
                + " :source, :jobNamespace, :jobName, :jobUid, :identity, :status, :verdict, :startedAt,"
                + " :completedAt, :exitCode, :violations, :headline, :baselineJson, :resultJson,"
                + " :text, :markdown, :junit)")
        .paramSource(params(run))
        .update();
  }

  @Override
  public boolean complete(ToolRun run) {
    return jdbc.sql(
                "UPDATE tool_run SET run_status = :status, verdict = :verdict, completed_at ="
                    + " :completedAt, exit_code = :exitCode, violations = :violations, headline ="
                    + " :headline, result_json = :resultJson, report_text = :text,"
                    + " report_markdown = :markdown, report_junit = :junit WHERE run_id = :id AND run_status = 'RUNNING'")
            .paramSource(params(run))
            .update()
        == 1;
  }

  @Override
  public Optional<ToolRun> find(String id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM tool_run WHERE run_id = :id")
        .param("id", id)
        .query(JdbcRunStore::toRun)
        .optional();
  }

  @Override
  public List<ToolRun> list(String clusterId, String tool, String verdict, int limit) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM tool_run WHERE cluster_id = :clusterId"
                + " AND (CAST(:tool AS VARCHAR(253)) IS NULL OR tool = :tool)"
                + " AND (CAST(:verdict AS VARCHAR(16)) IS NULL OR verdict = :verdict)"
                + " ORDER BY started_at DESC, run_id DESC LIMIT :limit")
        .param("clusterId", clusterId)
        .param("tool", tool)
        .param("verdict", verdict)
        .param("limit", limit)
        .query(JdbcRunStore::toRun)
        .list();
  }

  @Override
  public List<ToolRun> overlapping(String clusterId, Instant from, Instant to) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM tool_run WHERE cluster_id = :clusterId AND started_at <= :to"
                + " AND (completed_at IS NULL OR completed_at >= :from)"
                + " ORDER BY started_at DESC, run_id DESC")
        .param("clusterId", clusterId)
        .param("from", utc(from))
        .param("to", utc(to))
        .query(JdbcRunStore::toRun)
        .list();
  }

  @Override
  public Optional<ToolRun> findByJobUid(String jobUid) {
    return jdbc
        .sql("SELECT " + COLUMNS + " FROM tool_run WHERE job_uid = :uid ORDER BY started_at DESC")
        .param("uid", jobUid)
        .query(JdbcRunStore::toRun)
        .list()
        .stream()
        .findFirst();
  }

  @Override
  public List<ToolRun> runningSince(String clusterId, Instant startedBefore) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM tool_run WHERE cluster_id = :clusterId AND run_status = 'RUNNING'"
                + " AND started_at < :before ORDER BY started_at, run_id")
        .param("clusterId", clusterId)
        .param("before", utc(startedBefore))
        .query(JdbcRunStore::toRun)
        .list();
  }

  @Override
  public boolean acknowledge(Acknowledgement a) {
    return jdbc.sql(
                "INSERT INTO tool_run_acknowledgement (run_id, acknowledged_by, reason,"
                    + " acknowledged_at) SELECT :id, :by, :reason, :at WHERE NOT EXISTS"
                    + " (SELECT 1 FROM tool_run_acknowledgement WHERE run_id = :id)")
            .param("id", a.runId())
            .param("by", a.by())
            .param("reason", a.reason())
            .param("at", utc(a.at()))
            .update()
        == 1;
  }

  @Override
  public Optional<Acknowledgement> acknowledgement(String runId) {
    return jdbc.sql(
            "SELECT run_id, acknowledged_by, reason, acknowledged_at FROM tool_run_acknowledgement"
                + " WHERE run_id = :id")
        .param("id", runId)
        .query(
            (rs, row) ->
                new Acknowledgement(
                    rs.getString("run_id"),
                    rs.getString("acknowledged_by"),
                    rs.getString("reason"),
                    instant(rs, "acknowledged_at")))
        .optional();
  }

  @Override
  public void linkIncident(String runId, String incidentId, Instant at) {
    jdbc.sql(
            "INSERT INTO tool_run_incident (run_id, incident_id, linked_at) SELECT :run,"
                + " :incident, :at WHERE NOT EXISTS (SELECT 1 FROM tool_run_incident"
                + " WHERE run_id = :run AND incident_id = :incident)")
        .param("run", runId)
        .param("incident", incidentId)
        .param("at", utc(at))
        .update();
  }

  @Override
  public List<String> incidentsOf(String runId) {
    return jdbc.sql(
            "SELECT incident_id FROM tool_run_incident WHERE run_id = :run"
                + " ORDER BY linked_at, incident_id")
        .param("run", runId)
        .query(String.class)
        .list();
  }

  @Override
  public List<String> runsOf(String incidentId) {
    return jdbc.sql(
            "SELECT run_id FROM tool_run_incident WHERE incident_id = :incident"
                + " ORDER BY linked_at, run_id")
        .param("incident", incidentId)
        .query(String.class)
        .list();
  }

  @Override
  public void insertDeployment(Deployment d) {
    jdbc.sql(
            "INSERT INTO tool_deployment ("
                + DEPLOYMENT_COLUMNS
                + ") VALUES (:id, :clusterId, :tool, :kind, :namespace, :name, :oldImage,"
                + " :newImage, :deployedAt)")
        .param("id", d.id())
        .param("clusterId", d.clusterId())
        .param("tool", d.tool())
        .param("kind", d.kind())
        .param("namespace", d.namespace())
        .param("name", d.name())
        .param("oldImage", d.oldImage())
        .param("newImage", d.newImage())
        .param("deployedAt", utc(d.deployedAt()))
        .update();
  }

  @Override
  public Optional<Deployment> latestDeployment(
      String clusterId, String kind, String namespace, String name) {
    return jdbc
        .sql(
            "SELECT "
                + DEPLOYMENT_COLUMNS
                + " FROM tool_deployment WHERE cluster_id = :clusterId AND kind = :kind AND"
                + " namespace = :namespace AND name = :name"
                + " ORDER BY deployed_at DESC, deployment_id DESC")
        .param("clusterId", clusterId)
        .param("kind", kind)
        .param("namespace", namespace)
        .param("name", name)
        .query(JdbcRunStore::toDeployment)
        .list()
        .stream()
        .findFirst();
  }

  @Override
  public List<Deployment> deployments(String clusterId, String tool, int limit) {
    return jdbc.sql(
            "SELECT "
                + DEPLOYMENT_COLUMNS
                + " FROM tool_deployment WHERE cluster_id = :clusterId"
                + " AND (CAST(:tool AS VARCHAR(253)) IS NULL OR tool = :tool)"
                + " ORDER BY deployed_at DESC, deployment_id DESC LIMIT :limit")
        .param("clusterId", clusterId)
        .param("tool", tool)
        .param("limit", limit)
        .query(JdbcRunStore::toDeployment)
        .list();
  }

  private static MapSqlParameterSource params(ToolRun run) {
    return new MapSqlParameterSource()
        .addValue("id", run.id())
        .addValue("clusterId", run.clusterId())
        .addValue("tool", run.tool())
        .addValue("version", run.version())
        .addValue("commit", run.commit())
        .addValue("pipelineUrl", run.pipelineUrl())
        .addValue("policy", run.policy())
        .addValue("source", run.source().value())
        .addValue("jobNamespace", run.job() == null ? null : run.job().namespace())
        .addValue("jobName", run.job() == null ? null : run.job().name())
        .addValue("jobUid", run.job() == null ? null : run.job().uid())
        .addValue("identity", run.identity())
        .addValue("status", run.status().name())
        .addValue("verdict", run.verdict() == null ? null : run.verdict().name())
        .addValue("startedAt", utc(run.startedAt()))
        .addValue("completedAt", utc(run.completedAt()))
        .addValue("exitCode", run.exitCode())
        .addValue("violations", run.violations())
        .addValue("headline", run.headline())
        .addValue("baselineJson", run.baselineJson())
        .addValue("resultJson", run.resultJson())
        .addValue("text", run.text())
        .addValue("markdown", run.markdown())
        .addValue("junit", run.junit());
  }

  private static ToolRun toRun(ResultSet rs, int row) throws SQLException {
    String jobUid = rs.getString("job_uid");
    String verdict = rs.getString("verdict");
    Instant completedAt = instant(rs, "completed_at");
    return ToolRun.builder()
        .id(rs.getString("run_id"))
        .clusterId(rs.getString("cluster_id"))
        .tool(rs.getString("tool"), rs.getString("tool_version"))
        .commit(rs.getString("git_commit"))
        .pipelineUrl(rs.getString("pipeline_url"))
        .policy(rs.getString("policy"))
        .source(ToolRun.Source.of(rs.getString("run_source")))
        .job(
            jobUid == null
                ? null
                : new ToolRun.JobRef(
                    rs.getString("job_namespace"), rs.getString("job_name"), jobUid))
        .identity(rs.getString("run_identity"))
        .status(ToolRun.Status.valueOf(rs.getString("run_status")))
        .verdict(verdict == null ? null : ToolRun.Verdict.valueOf(verdict))
        .startedAt(instant(rs, "started_at"))
        .completedAt(completedAt)
        .exitCode((Integer) rs.getObject("exit_code", Integer.class))
        .violations((Integer) rs.getObject("violations", Integer.class))
        .headline(rs.getString("headline"))
        .baselineJson(rs.getString("baseline_json"))
        .resultJson(rs.getString("result_json"))
        .reports(rs.getString("report_text"), rs.getString("report_markdown"))
        .junit(rs.getString("report_junit"))
        .build();
  }

  private static Deployment toDeployment(ResultSet rs, int row) throws SQLException {
    return new Deployment(
        rs.getString("deployment_id"),
        rs.getString("cluster_id"),
        rs.getString("tool"),
        rs.getString("kind"),
        rs.getString("namespace"),
        rs.getString("name"),
        rs.getString("old_image"),
        rs.getString("new_image"),
        instant(rs, "deployed_at"));
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
