package io.stagingcanary.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.diff.Diff;
import io.stagingcanary.diff.DiffResult;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.Snapshot;
import io.stagingcanary.diff.StatusType;
import io.stagingcanary.fixtures.FixtureCatalog;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.fixtures.SentinelFixture;
import io.stagingcanary.gate.GateCommandAccess;
import io.stagingcanary.incident.ExpectedChanges;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.inventory.Inventory;
import io.stagingcanary.runs.JunitSchema;
import io.stagingcanary.runs.RunCompleted;
import io.stagingcanary.runs.ToolRunFailed;
import io.stagingcanary.verification.SentinelObservations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.event.EventListener;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.w3c.dom.Document;

/**
 * The CI gate end to end on the sandbox: the real agent, the {@code gate} command and a scripted
 * cleanup running as its own process with a wrong and a right tenant selector.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sandbox")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxGateTest {

  /** Records the run events, from whatever thread publishes them. */
  @TestConfiguration
  static class RecordRunEvents {
    final List<Object> events = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Autowired javax.sql.DataSource dataSource;
    volatile String statusSeenByListener;

    /** As the alert outbox does: a JdbcTemplate write joins the transaction storing the FAIL. */
    @EventListener
    void onFailed(ToolRunFailed event) {
      events.add(event);
      assertThat(
              org.springframework.transaction.support.TransactionSynchronizationManager
                  .isActualTransactionActive())
          .isTrue();
      statusSeenByListener =
          new org.springframework.jdbc.core.JdbcTemplate(dataSource)
              .queryForObject(
                  "SELECT run_status FROM tool_run WHERE run_id = ?", String.class, event.runId());
    }

    @EventListener
    void onCompleted(RunCompleted event) {
      events.add(event);
    }

    <T> java.util.stream.Stream<T> stream(Class<T> type) {
      return events.stream().filter(type::isInstance).map(type::cast);
    }
  }

  @TempDir static Path dataDir;
  @TempDir Path reports;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("canary.data-dir", () -> dataDir.toString());
    registry.add("canary.sandbox.port", () -> "0");
    registry.add("canary.fixtures.path", () -> "../fixtures");
    registry.add("canary.incidents.group-window", () -> "2s");
    registry.add("canary.runs.settle", () -> "1s");
    registry.add("canary.runs.watch-namespaces", () -> "ops");
    registry.add("canary.runs.job-poll-interval", () -> "200ms");
  }

  @LocalServerPort int port;
  @Autowired KubernetesClient client;
  @Autowired List<ExpectedChanges> expectedChanges;
  @Autowired RecordRunEvents events;
  @Autowired SentinelObservations observations;
  @Autowired Inventory inventory;
  @Autowired FixtureCatalog fixtures;

  record Gate(int exit, String out, String err) {}

  Gate gate(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        GateCommandAccess.execute(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Gate(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  List<String> common(String tool, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server",
                "http://127.0.0.1:" + port,
                "--token-file",
                dataDir.resolve("api-token").toString(),
                "--tool",
                tool,
                "--tool-version",
                "2.4.0"));
    args.addAll(List.of(more));
    return args;
  }

  static List<String> cleanup(String selector) {
    String java = ProcessHandle.current().info().command().orElse("java");
    return List.of(
        java,
        "-cp",
        System.getProperty("java.class.path"),
        ScriptedCleanup.class.getName(),
        dataDir.resolve("kubeconfig").toString(),
        selector);
  }

  Gate wrap(List<String> options, List<String> command) {
    List<String> args = new ArrayList<>(options);
    args.add("--");
    args.addAll(command);
    return gate(args.toArray(String[]::new));
  }

  AgentHttp http() {
    return new AgentHttp(port);
  }

  void awaitHealthy() {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http().get("/api/v1/status").json().get("state").asText().equals("HEALTHY"));
  }

  @Test
  @Order(1)
  void aCleanupWithAWrongSelectorFailsAndPrintsThePayingTenantsItRemoved() throws Exception {
    awaitHealthy();
    Path junit = reports.resolve("junit.xml");
    Path markdown = reports.resolve("report.md");
    Gate gate =
        wrap(
            common(
                "cleanup-unpaid",
                "--junit",
                junit.toString(),
                "--markdown",
                markdown.toString(),
                "--settle",
                "1s"),
            cleanup("tier in (free,starter)"));

    assertThat(gate.exit()).as(gate.err()).isEqualTo(1);
    assertThat(gate.out())
        .contains("Verdict FAIL for cleanup-unpaid 2.4.0")
        .contains("tenant initech (set sandbox)")
        .contains("MISSING   Namespace canary-initech")
        .contains("  - OUTSIDE_BLAST_RADIUS: tenant initech {")
        .contains("      MISSING  Namespace canary-initech\n")
        .contains("      MISSING  PersistentVolumeClaim canary-initech/canary-data\n");
    assertThat(gate.out())
        .doesNotContain("tenant hooli {")
        .doesNotContain("MISSING  Namespace canary-hooli");
    assertThat(gate.err())
        .contains("[gate] preflight")
        .contains("[gate] running")
        .contains("[gate] command exited with 0")
        .contains("[gate] settling")
        .contains("[gate] verdict FAIL");

    var run = http().get("/api/v1/runs?tool=cleanup-unpaid&verdict=FAIL").json().get(0);
    int violations = run.get("violationCount").asInt();
    assertThat(violations).as("every initech sentinel, nothing of hooli").isEqualTo(9);
    Document xml = JunitSchema.validate(Files.readString(junit));
    assertThat(xml.getElementsByTagName("failure").getLength()).isEqualTo(violations);
    assertThat(Files.readString(markdown)).contains("## FAIL: `cleanup-unpaid` 2.4.0");

    String id = run.get("id").asText();
    var again = http().postJson("/api/v1/runs/" + id + "/complete", "{}", token());
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("completedAt").asText()).isEqualTo(run.get("completedAt").asText());

    assertThat(events.stream(ToolRunFailed.class))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.tool()).isEqualTo("cleanup-unpaid");
              assertThat(e.toolVersion()).isEqualTo("2.4.0");
              assertThat(e.violations()).isEqualTo(violations);
              assertThat(e.text()).contains("tenant initech");
            });
    assertThat(events.statusSeenByListener)
        .as("the listener sees the verdict uncommitted, inside the storing transaction")
        .isEqualTo("COMPLETED");
    assertThat(events.stream(RunCompleted.class))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.touchedTenants())
                    .extracting(RunCompleted.TenantRef::tenant)
                    .containsExactlyInAnyOrder("hooli", "initech"));

    // the paying tenant's loss is not expected; the bait's is
    Instant during = Instant.parse(run.get("startedAt").asText()).plusMillis(10);
    assertThat(expected(namespace("canary-initech"), "initech", during)).isEmpty();
    assertThat(expected(namespace("canary-hooli"), "hooli", during))
        .hasValueSatisfying(r -> assertThat(r).contains("bait tenant hooli"));
    awaitHealthy();
  }

  @Test
  @Order(2)
  void theSameCleanupWithTheRightSelectorPassesAndTheBaitIsReseededAfterTheVerdict()
      throws Exception {
    awaitHealthy();
    String hooliUid = client.namespaces().withName("canary-hooli").get().getMetadata().getUid();
    Path junit = reports.resolve("junit.xml");
    Gate gate =
        wrap(common("cleanup-unpaid", "--junit", junit.toString()), cleanup("purchased=false"));

    assertThat(gate.exit()).as(gate.out() + gate.err()).isZero();
    assertThat(gate.out()).contains("Verdict PASS for cleanup-unpaid 2.4.0");
    assertThat(gate.out()).contains("MISSING   Namespace canary-hooli");
    Document xml = JunitSchema.validate(Files.readString(junit));
    assertThat(xml.getElementsByTagName("failure").getLength()).isZero();

    awaitHealthy();
    assertThat(client.namespaces().withName("canary-hooli").get().getMetadata().getUid())
        .as("bait re-seeded after the verdict")
        .isNotEqualTo(hooliUid);
  }

  @Test
  @Order(3)
  void aNoOpRunWithBaitPresentFailsAsIneffective() {
    awaitHealthy();
    Gate gate = wrap(common("cleanup-unpaid"), List.of("true"));
    assertThat(gate.exit()).as(gate.err()).isEqualTo(1);
    assertThat(gate.out())
        .contains("  - INEFFECTIVE: bait tenant hooli matches mustRemove")
        .contains("      not removed  Namespace canary-hooli\n");
  }

  @Test
  @Order(4)
  void aFailedCommandThatViolatedNothingExitsThree() throws Exception {
    Path junit = reports.resolve("junit.xml");
    Gate gate =
        wrap(
            common("report-only", "--junit", junit.toString()),
            List.of("sh", "-c", "echo working; exit 4"));
    assertThat(gate.exit()).as(gate.err()).isEqualTo(3);
    assertThat(gate.out()).contains("Verdict PASS for report-only 2.4.0");
    assertThat(gate.err()).contains("command exited with 4");
    Document xml = JunitSchema.validate(Files.readString(junit));
    assertThat(xml.getElementsByTagName("failure").getLength())
        .as("CI must not show every test passing when the tool failed")
        .isEqualTo(1);
  }

  @Test
  @Order(5)
  void beginAndCompleteForPipelinesThatCannotWrapTheCommand() {
    Gate begun = gate(begin());
    assertThat(begun.exit()).as(begun.err()).isZero();
    String id = begun.out().strip();
    assertThat(id).matches("[0-9a-f-]{36}");
    Gate completed =
        gate(
            "complete",
            id,
            "--server",
            "http://127.0.0.1:" + port,
            "--token-file",
            dataDir.resolve("api-token").toString(),
            "--exit-code",
            "0");
    assertThat(completed.exit()).as(completed.err()).isZero();
    assertThat(completed.out()).contains("Verdict PASS for report-only 2.4.0 (run " + id);
  }

  String[] begin() {
    List<String> args = new ArrayList<>(List.of("begin"));
    args.addAll(common("report-only"));
    return args.toArray(String[]::new);
  }

  @Test
  @Order(6)
  void couldNotJudgeIsExitTwo() {
    List<String> noToken =
        List.of("--server", "http://127.0.0.1:" + port, "--tool", "x", "--tool-version", "1");
    Gate anonymous = wrap(noToken, List.of("true"));
    assertThat(anonymous.exit()).isEqualTo(2);
    assertThat(anonymous.err()).contains("could not judge (auth)").contains("HTTP 401");

    Gate unreachable =
        wrap(
            List.of("--server", "http://127.0.0.1:1", "--tool", "x", "--tool-version", "1"),
            List.of("true"));
    assertThat(unreachable.exit()).isEqualTo(2);
    assertThat(unreachable.err()).contains("could not judge (unreachable)");

    Gate usage = gate("--tool", "x");
    assertThat(usage.exit()).isEqualTo(2);
    assertThat(usage.err()).contains("--server URL is required");
    assertThat(gate("--help").out()).contains("Exit codes:").contains("gate complete RUN_ID");
  }

  @Test
  @Order(7)
  void aBaselineWithAMissingSentinelIsRefusedUnlessAllowed() throws Exception {
    awaitHealthy();
    client.configMaps().inNamespace("canary-umbrella").withName("canary-settings").delete();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> http().get("/api/v1/status").json().get("state").asText().equals("LOSS"));
    Gate refused = wrap(common("report-only"), List.of("true"));
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err())
        .contains("could not judge (preflight)")
        .contains("MISSING ConfigMap canary-umbrella/canary-settings (tenant umbrella)");

    var allowed =
        http()
            .postJson(
                "/api/v1/runs",
                "{\"tool\":\"report-only\",\"version\":\"1\",\"allowUnhealthyBaseline\":true}",
                token());
    assertThat(allowed.status()).isEqualTo(201);
    assertThat(allowed.json().get("baseline").get("notPresent").toString())
        .contains("ConfigMap canary-umbrella/canary-settings");
    var done =
        http()
            .postJson(
                "/api/v1/runs/" + allowed.json().get("id").asText() + "/complete",
                "{\"settle\":\"0s\"}",
                token());
    assertThat(done.json().get("verdict").asText()).isEqualTo("PASS");
    awaitHealthy();
  }

  @Test
  @Order(8)
  void badRequestsAreNamed() throws Exception {
    var missingVersion = http().postJson("/api/v1/runs", "{\"tool\":\"x\"}", token());
    assertThat(missingVersion.status()).isEqualTo(400);
    assertThat(missingVersion.json().get("detail").asText()).isEqualTo("version: is required");
    var unknownPolicy =
        http()
            .postJson(
                "/api/v1/runs", "{\"tool\":\"x\",\"version\":\"1\",\"policy\":\"nope\"}", token());
    assertThat(unknownPolicy.status()).isEqualTo(400);
    assertThat(unknownPolicy.json().get("detail").asText())
        .startsWith("policy: no policy named 'nope'");
    assertThat(http().get("/api/v1/runs/unknown").status()).isEqualTo(404);
    assertThat(http().postJson("/api/v1/runs", "{}", null).status()).isEqualTo(401);
  }

  @Test
  @Order(9)
  void anOpsToolJobIsBracketedAndAnnotatedWithoutAnyCiCall() throws Exception {
    awaitHealthy();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("ops").endMetadata().build())
        .create();
    Job unlabelled = createJob("not-a-tool", null, "registry.example/other:1");
    Job job = createJob("cleanup-28934", "cleanup-unpaid", "registry.example/cleanup-unpaid:3.1.0");
    String hooliUid = client.namespaces().withName("canary-hooli").get().getMetadata().getUid();

    setStatus(
        job, new JobStatusBuilder().withStartTime(Instant.now().toString()).withActive(1).build());
    setStatus(
        unlabelled,
        new JobStatusBuilder().withStartTime(Instant.now().toString()).withActive(1).build());
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> annotation(job, "stagingcanary.io/run-id") != null);
    String runId = annotation(job, "stagingcanary.io/run-id");
    var running = http().get("/api/v1/runs/" + runId).json();
    assertThat(running.get("status").asText()).isEqualTo("RUNNING");
    assertThat(running.get("source").asText()).isEqualTo("job");
    assertThat(running.get("version").asText()).isEqualTo("3.1.0");
    assertThat(running.get("job").get("name").asText()).isEqualTo("cleanup-28934");

    // what the Job does: remove the bait tenant
    client.namespaces().withName("canary-hooli").delete();
    client.rbac().clusterRoles().withName("canary-hooli-user").delete();
    setStatus(
        job,
        new JobStatusBuilder()
            .withStartTime(Instant.now().toString())
            .withSucceeded(1)
            .withCompletionTime(Instant.now().toString())
            .addNewCondition()
            .withType("Complete")
            .withStatus("True")
            .endCondition()
            .build());

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> annotation(job, "stagingcanary.io/verdict") != null);
    assertThat(annotation(job, "stagingcanary.io/verdict")).isEqualTo("PASS");
    var stored = http().get("/api/v1/runs/" + runId).json();
    assertThat(stored.get("verdict").asText()).isEqualTo("PASS");
    assertThat(stored.get("exitCode").asInt()).isZero();
    assertThat(stored.get("text").asText()).contains("MISSING   Namespace canary-hooli");
    assertThat(annotation(unlabelled, "stagingcanary.io/run-id")).isNull();
    assertThat(http().get("/api/v1/runs?tool=not-a-tool").json()).isEmpty();
    awaitHealthy();
    assertThat(client.namespaces().withName("canary-hooli").get().getMetadata().getUid())
        .isNotEqualTo(hooliUid);
  }

  @Test
  @Order(10)
  void aNewImageOfAnOpsToolCronJobIsRecordedAsADeployment() {
    CronJob cronJob =
        new CronJobBuilder()
            .withNewMetadata()
            .withName("nightly-cleanup")
            .withNamespace("ops")
            .addToLabels("stagingcanary.io/ops-tool", "cleanup-unpaid")
            .endMetadata()
            .withNewSpec()
            .withSchedule("0 3 * * *")
            .withNewJobTemplate()
            .withNewSpec()
            .withTemplate(template("registry.example/cleanup-unpaid:3.1.0"))
            .endSpec()
            .endJobTemplate()
            .endSpec()
            .build();
    client.batch().v1().cronjobs().inNamespace("ops").resource(cronJob).create();
    await().pollDelay(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> true);
    double before = deployments("cleanup-unpaid");

    CronJob live =
        client.batch().v1().cronjobs().inNamespace("ops").withName("nightly-cleanup").get();
    live.getSpec()
        .getJobTemplate()
        .getSpec()
        .setTemplate(template("registry.example/cleanup-unpaid:3.2.0"));
    client.batch().v1().cronjobs().inNamespace("ops").resource(live).update();

    await().atMost(Duration.ofSeconds(10)).until(() -> deployments("cleanup-unpaid") == before + 1);
    assertThat(runStore.deployments(currentClusterId(), "cleanup-unpaid", 10))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.oldImage()).isEqualTo("registry.example/cleanup-unpaid:3.1.0");
              assertThat(d.newImage()).isEqualTo("registry.example/cleanup-unpaid:3.2.0");
              assertThat(d.kind()).isEqualTo("CronJob");
            });
  }

  @Test
  @Order(11)
  void overlappingRunsShareTheirWindowAndTheReportsSaySo() throws Exception {
    awaitHealthy();
    String first =
        http()
            .postJson("/api/v1/runs", "{\"tool\":\"report-only\",\"version\":\"1\"}", token())
            .json()
            .get("id")
            .asText();
    String second =
        http()
            .postJson("/api/v1/runs", "{\"tool\":\"audit-only\",\"version\":\"7\"}", token())
            .json()
            .get("id")
            .asText();
    assertThat(http().get("/api/v1/runs/" + first + "/report?format=junit").status())
        .as("no report while running")
        .isEqualTo(409);
    var a = http().postJson("/api/v1/runs/" + first + "/complete", "{\"settle\":\"0s\"}", token());
    var b = http().postJson("/api/v1/runs/" + second + "/complete", "{\"settle\":\"0s\"}", token());

    assertThat(a.json().get("overlappingRuns").toString()).contains(second);
    assertThat(b.json().get("overlappingRuns").toString()).contains(first);
    assertThat(a.json().get("attribution").asText())
        .contains("attributed to every run active in it");
    var markdown = http().get("/api/v1/runs/" + first + "/report?format=markdown");
    assertThat(markdown.contentType()).startsWith("text/markdown");
    assertThat(markdown.body()).contains("attributed to every run active in it");
    var junit = http().get("/api/v1/runs/" + second + "/report?format=junit");
    assertThat(junit.contentType()).startsWith("application/xml");
    JunitSchema.validate(junit.body());
    assertThat(http().get("/api/v1/runs/" + first + "/report?format=pdf").status()).isEqualTo(400);
    assertThat(http().get("/api/v1/runs/" + first + "/report?format=text").body())
        .startsWith("Verdict PASS for report-only 1");
  }

  @Test
  @Order(12)
  void aCommentedTokenFilePassesAndNoOutputEverShowsTheToken() throws Exception {
    awaitHealthy();
    Path commented = reports.resolve("commented-token");
    Files.writeString(commented, "# canary token (agent format)\n\n" + token() + "\n");
    List<String> options = new ArrayList<>(common("report-only"));
    options.set(options.indexOf("--token-file") + 1, commented.toString());

    Gate gate = wrap(options, List.of("true"));

    assertThat(gate.exit()).as(gate.err()).isZero();
    assertThat(gate.out() + gate.err()).doesNotContain(token());
  }

  @Test
  @Order(13)
  void setupErrorsLeaveNoRunningRunBehind() throws Exception {
    awaitHealthy();
    int before = http().get("/api/v1/runs?tool=report-only").json().size();
    Path junit = reports.resolve("not-judged.xml");
    for (String[] bad :
        List.of(
            new String[] {"--settle", "-5s"},
            new String[] {"--timeout", "0s"},
            new String[] {"--bogus"})) {
      List<String> options = new ArrayList<>(common("report-only", bad));
      options.addAll(List.of("--junit", junit.toString()));
      Gate gate = wrap(options, List.of("true"));
      assertThat(gate.exit()).as(gate.err()).isEqualTo(2);
      JunitSchema.validate(Files.readString(junit));
    }
    var runs = http().get("/api/v1/runs?tool=report-only").json();
    assertThat(runs.size()).as("no run was opened").isEqualTo(before);
    runs.forEach(r -> assertThat(r.get("status").asText()).isEqualTo("COMPLETED"));
  }

  @Test
  @Order(14)
  void sigtermToTheGateStopsTheCommandAndLeavesNoRunningRun() throws Exception {
    awaitHealthy();
    Path pidFile = reports.resolve("command.pid");
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), "io.stagingcanary.gate.GateMain"));
    command.addAll(common("report-only"));
    command.set(command.indexOf("2.4.0"), "sigterm");
    command.addAll(List.of("--", "sh", "-c", "echo $$ > '" + pidFile + "'; exec sleep 300"));
    Process gate =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(reports.resolve("gate.log").toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
      ProcessHandle sleeper =
          ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).orElseThrow();

      gate.destroy(); // SIGTERM, as a cancelled CI job

      assertThat(gate.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(gate.exitValue()).as(Files.readString(reports.resolve("gate.log"))).isEqualTo(143);
      assertThat(sleeper.isAlive()).isFalse();
      var run = http().get("/api/v1/runs?tool=report-only&limit=1").json().get(0);
      assertThat(run.get("version").asText()).isEqualTo("sigterm");
      assertThat(run.get("status").asText()).isEqualTo("COMPLETED");
      assertThat(run.get("exitCode").asInt()).isEqualTo(143);
    } finally {
      io.stagingcanary.bench.Processes.stop(gate);
    }
  }

  @Autowired io.stagingcanary.runs.RunStore runStore;
  @Autowired io.micrometer.core.instrument.MeterRegistry meters;
  @Autowired io.stagingcanary.seeding.SeedingState seedingState;

  private String currentClusterId() {
    return seedingState.cluster().orElseThrow().id();
  }

  private double deployments(String tool) {
    var counter = meters.find("canary.tool.deployments").tag("tool", tool).counter();
    return counter == null ? 0 : counter.count();
  }

  private static PodTemplateSpec template(String image) {
    return new PodTemplateSpecBuilder()
        .withNewSpec()
        .addNewContainer()
        .withName("tool")
        .withImage(image)
        .endContainer()
        .withRestartPolicy("Never")
        .endSpec()
        .build();
  }

  private Job createJob(String name, String tool, String image) {
    JobBuilder builder =
        new JobBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("ops")
            .endMetadata()
            .withNewSpec()
            .withTemplate(template(image))
            .endSpec();
    if (tool != null) {
      builder.editMetadata().addToLabels("stagingcanary.io/ops-tool", tool).endMetadata();
    }
    return client.batch().v1().jobs().inNamespace("ops").resource(builder.build()).create();
  }

  private void setStatus(Job job, JobStatus status) {
    Job live =
        client.batch().v1().jobs().inNamespace("ops").withName(job.getMetadata().getName()).get();
    live.setStatus(status);
    client.batch().v1().jobs().inNamespace("ops").resource(live).updateStatus();
  }

  private String annotation(Job job, String key) {
    Job live =
        client.batch().v1().jobs().inNamespace("ops").withName(job.getMetadata().getName()).get();
    return live.getMetadata().getAnnotations() == null
        ? null
        : live.getMetadata().getAnnotations().get(key);
  }

  private String token() throws Exception {
    return Files.readString(dataDir.resolve("api-token")).strip();
  }

  private static ResourceKey namespace(String name) {
    return ResourceKey.clusterScoped("v1", "Namespace", name);
  }

  private java.util.Optional<String> expected(ResourceKey key, String tenant, Instant at) {
    Incident.Item item =
        io.stagingcanary.incident.TestItems.item(key, "sandbox", tenant, StatusType.MISSING);
    return expectedChanges.stream()
        .map(e -> e.reason(item, at))
        .flatMap(java.util.Optional::stream)
        .findFirst();
  }

  /**
   * A run's baseline comes from the informer caches, its after snapshot from a LIST: on a quiet
   * cluster the two hold the same objects at the same versions and their diff is empty. (They are
   * not equal field for field on the sandbox: its watch events leave out empty lists, such as a
   * ClusterRole's {@code rules: []}, which a LIST sends.)
   */
  @Test
  @Order(20)
  void aBaselineFromTheCachesAndAListedAfterSnapshotOfAQuietClusterDiffEmpty() {
    awaitHealthy();
    List<KindSpec> kinds =
        fixtures.sentinels().stream().map(SentinelFixture::kindSpec).distinct().toList();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Snapshot watched = observations.watched(kinds);
              Snapshot listed = inventory.list(kinds).snapshot();
              assertThat(watched.unobserved()).isEmpty();
              assertThat(watched.observedKinds()).isEqualTo(listed.observedKinds());
              assertThat(watched.objects().keySet())
                  .isNotEmpty()
                  .containsExactlyElementsOf(listed.objects().keySet());
              watched
                  .objects()
                  .forEach(
                      (key, state) -> {
                        assertThat(state.uid()).isEqualTo(listed.get(key).uid());
                        assertThat(state.resourceVersion())
                            .isEqualTo(listed.get(key).resourceVersion());
                      });
              DiffResult diff = Diff.between(watched, listed, watched.objects().keySet());
              assertThat(diff.changes()).isEmpty();
              assertThat(diff.findings()).isEmpty();
            });
  }
}
