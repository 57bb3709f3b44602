package io.stagingcanary.runs;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Instant;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The run store on every supported database: every migration applied by Flyway. */
abstract class RunStoreContract {

  static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");

  HikariDataSource dataSource;
  JdbcRunStore store;

  /** JDBC URL, user and password (may be null) of an empty database. */
  abstract String[] newDatabase();

  @BeforeEach
  void migrate() {
    String[] db = newDatabase();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db[0]);
    config.setUsername(db[1]);
    config.setPassword(db[2]);
    config.setMaximumPoolSize(2);
    dataSource = new HikariDataSource(config);
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    store = new JdbcRunStore(dataSource);
  }

  @AfterEach
  void close() {
    dataSource.close();
  }

  static ToolRun running(String id, String tool, Instant startedAt, ToolRun.JobRef job) {
    return ToolRun.builder()
        .id(id)
        .clusterId("cluster")
        .tool(tool, "1.0")
        .commit("abc123")
        .pipelineUrl("https://ci.example/1")
        .policy(tool)
        .source(job == null ? ToolRun.Source.API : ToolRun.Source.JOB)
        .job(job)
        .identity(job == null ? "system:serviceaccount:ops:" + tool : null)
        .startedAt(startedAt)
        .baselineJson("{\"present\": 3}")
        .build();
  }

  @Test
  void anAcknowledgementIsRecordedOnceWithWhoAndWhy() {
    store.insert(running("r1", "cleanup", T0, null));
    Acknowledgement ack =
        new Acknowledgement("r1", "alice", "restored by hand", T0.plusSeconds(60));
    assertThat(store.acknowledgement("r1")).isEmpty();
    assertThat(store.acknowledge(ack)).isTrue();
    assertThat(store.acknowledge(new Acknowledgement("r1", "bob", "again", T0.plusSeconds(90))))
        .isFalse();
    assertThat(store.acknowledgement("r1")).contains(ack);
  }

  @Test
  void aRunAndTheIncidentsItCausedLinkBothWaysOnce() {
    store.insert(running("r1", "cleanup", T0, null));
    store.insert(running("r2", "cleanup", T0.plusSeconds(5), null));
    store.linkIncident("r1", "inc-b", T0.plusSeconds(20));
    store.linkIncident("r1", "inc-a", T0.plusSeconds(10));
    store.linkIncident("r1", "inc-a", T0.plusSeconds(30));
    store.linkIncident("r2", "inc-a", T0.plusSeconds(40));
    assertThat(store.incidentsOf("r1")).containsExactly("inc-a", "inc-b");
    assertThat(store.runsOf("inc-a")).containsExactly("r1", "r2");
    assertThat(store.runsOf("inc-c")).isEmpty();
  }

  @Test
  void storesACompletedRunOnceAndReadsItBackExactly() {
    ToolRun run = running("r1", "cleanup", T0, null);
    store.insert(run);
    assertThat(store.find("r1")).contains(run);

    ToolRun done =
        run.toBuilder()
            .completed(T0.plusSeconds(30), 0)
            .verdict(ToolRun.Verdict.FAIL)
            .violations(2)
            .headline("2 lost")
            .resultJson("{}")
            .reports("text", "md")
            .junit("<xml/>")
            .build();
    assertThat(store.complete(done)).isTrue();
    assertThat(store.find("r1")).contains(done);
    assertThat(
            store.complete(
                done.toBuilder()
                    .completed(T0, 0)
                    .verdict(ToolRun.Verdict.PASS)
                    .violations(0)
                    .headline("")
                    .resultJson("")
                    .reports("", "")
                    .junit("")
                    .build()))
        .as("a completed run is never overwritten")
        .isFalse();
    assertThat(store.find("r1").orElseThrow().verdict()).isEqualTo(ToolRun.Verdict.FAIL);
  }

  @Test
  void listsByToolAndVerdictAndFindsOverlapsAndJobs() {
    ToolRun.JobRef job = new ToolRun.JobRef("ops", "cleanup-1", "uid-1");
    store.insert(running("a", "cleanup", T0, null));
    store.complete(
        running("a", "cleanup", T0, null).toBuilder()
            .completed(T0.plusSeconds(10), 0)
            .verdict(ToolRun.Verdict.PASS)
            .violations(0)
            .headline("")
            .resultJson("{}")
            .reports("", "")
            .junit("")
            .build());
    store.insert(running("b", "cleanup", T0.plusSeconds(20), job));
    store.insert(running("c", "prune", T0.plusSeconds(30), null));

    assertThat(store.list("cluster", "cleanup", null, 10))
        .extracting(ToolRun::id)
        .containsExactly("b", "a");
    assertThat(store.list("cluster", null, "PASS", 10))
        .extracting(ToolRun::id)
        .containsExactly("a");
    assertThat(store.list("cluster", null, null, 2))
        .extracting(ToolRun::id)
        .containsExactly("c", "b");
    assertThat(store.list("other", null, null, 10)).isEmpty();
    assertThat(store.overlapping("cluster", T0.plusSeconds(5), T0.plusSeconds(25)))
        .extracting(ToolRun::id)
        .containsExactly("b", "a");
    assertThat(store.overlapping("cluster", T0.plusSeconds(11), T0.plusSeconds(15))).isEmpty();
    assertThat(store.findByJobUid("uid-1")).map(ToolRun::job).contains(job);
    assertThat(store.runningSince("cluster", T0.plusSeconds(31)))
        .as("running and started before: oldest first, never a completed run")
        .extracting(ToolRun::id)
        .containsExactly("b", "c");
    assertThat(store.runningSince("cluster", T0.plusSeconds(30)))
        .extracting(ToolRun::id)
        .containsExactly("b");
    assertThat(store.runningSince("other", T0.plusSeconds(60))).isEmpty();
  }

  @Test
  void recordsDeployments() {
    store.insertDeployment(
        new RunStore.Deployment(
            "d1", "cluster", "cleanup", "CronJob", "ops", "nightly", null, "img:1", T0));
    store.insertDeployment(
        new RunStore.Deployment(
            "d2",
            "cluster",
            "cleanup",
            "CronJob",
            "ops",
            "nightly",
            "img:1",
            "img:2",
            T0.plusSeconds(60)));
    assertThat(store.latestDeployment("cluster", "CronJob", "ops", "nightly"))
        .map(RunStore.Deployment::newImage)
        .contains("img:2");
    assertThat(store.deployments("cluster", "cleanup", 10))
        .extracting(RunStore.Deployment::id)
        .containsExactly("d2", "d1");
    assertThat(store.deployments("cluster", null, 1)).hasSize(1);
  }

  @Test
  void joinsTheCallersTransaction() {
    TransactionTemplate transaction =
        new TransactionTemplate(new JdbcTransactionManager(dataSource));
    store.insert(running("t", "cleanup", T0, null));
    try {
      transaction.executeWithoutResult(
          status -> {
            store.complete(
                running("t", "cleanup", T0, null).toBuilder()
                    .completed(T0.plusSeconds(1), 1)
                    .verdict(ToolRun.Verdict.FAIL)
                    .violations(1)
                    .headline("")
                    .resultJson("{}")
                    .reports("", "")
                    .junit("")
                    .build());
            JdbcClient.create(dataSource).sql("SELECT 1 FROM tool_run").query(Integer.class).list();
            throw new IllegalStateException("the outbox write failed");
          });
    } catch (IllegalStateException expected) {
      // rolled back together
    }
    assertThat(store.find("t").orElseThrow().status()).isEqualTo(ToolRun.Status.RUNNING);
    assertThat(List.of(store.find("t").orElseThrow().verdict() == null)).containsExactly(true);
  }
}
