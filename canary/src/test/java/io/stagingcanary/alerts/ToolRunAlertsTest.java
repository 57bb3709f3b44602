package io.stagingcanary.alerts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.zaxxer.hikari.HikariDataSource;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.ItemAttribution;
import io.stagingcanary.incident.JdbcIncidentStore;
import io.stagingcanary.runs.Acknowledgement;
import io.stagingcanary.runs.RunAcknowledged;
import io.stagingcanary.runs.RunCauses;
import io.stagingcanary.runs.RunVerdictStored;
import io.stagingcanary.runs.ToolRunFailed;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * One page per problem and a violation that stays firing: the real outbox, listeners and worker
 * against WireMock receivers for every channel, on an H2 file. Which run caused an incident is told
 * by {@link Causes} (the agent's {@code RunAttribution} decides it from the run's diff;
 * SandboxOnePageTest covers that end to end).
 */
class ToolRunAlertsTest {

  static final List<String> PATHS = List.of("/am/api/v2/alerts", "/slack", "/pd", "/hook");
  static final String INCIDENT = "inc-20261122-100000-a1b2";
  static final RunCauses.RunRef RUN = new RunCauses.RunRef("run-42", "tenant-pruner", "1.4.0");

  @TempDir Path directory;
  WireMockServer receiver;
  HikariDataSource dataSource;
  AlertingHarness alerts;
  final Causes causes = new Causes();

  /** Which run caused which incident, as the test says. */
  static final class Causes implements RunCauses {
    volatile Attribution attribution = new Unattributed();
    final Map<String, CopyOnWriteArrayList<String>> links = new ConcurrentHashMap<>();

    @Override
    public Attribution attribute(Incident incident) {
      return attribution;
    }

    @Override
    public java.util.Optional<RunRef> changedDuring(
        io.stagingcanary.diff.ResourceKey key, Instant from, Instant to) {
      return java.util.Optional.empty();
    }

    @Override
    public void recordCause(RunRef run, String incidentId, Instant at) {
      // as the store's primary key (run, incident): a link is recorded once
      links.computeIfAbsent(run.id(), k -> new CopyOnWriteArrayList<>()).addIfAbsent(incidentId);
    }

    @Override
    public List<String> incidentsOf(String runId) {
      return links.containsKey(runId) ? links.get(runId) : List.of();
    }

    @Override
    public List<String> runsOf(String incidentId) {
      return links.entrySet().stream()
          .filter(e -> e.getValue().contains(incidentId))
          .map(Map.Entry::getKey)
          .toList();
    }
  }

  @BeforeEach
  void start() {
    receiver = new WireMockServer(options().dynamicPort());
    receiver.start();
    PATHS.forEach(
        p -> receiver.stubFor(post(urlEqualTo(p)).willReturn(aResponse().withStatus(202))));
    dataSource =
        TestAlerts.pool("jdbc:h2:file:" + directory.resolve("ledger").toAbsolutePath(), "sa", "");
  }

  void harness(Duration resend, Duration hold) {
    alerts =
        new AlertingHarness(
            dataSource,
            AlertingHarness.properties(
                receiver.baseUrl(), resend, hold, AlertingHarness.fastDelivery()),
            () -> true,
            causes);
  }

  @AfterEach
  void stop() {
    if (alerts != null) {
      alerts.close();
    }
    dataSource.close();
    receiver.stop();
  }

  Incident seal() {
    Incident incident = TestAlerts.incident(INCIDENT, TestAlerts.T0.plusSeconds(5), null);
    JdbcIncidentStore store = new JdbcIncidentStore(dataSource);
    store.inTransaction(
        () -> {
          store.insert(incident);
          alerts.incidents().sealed(incident);
        });
    return incident;
  }

  void resolve(Incident incident) {
    Incident resolved =
        TestAlerts.incident(incident.id(), incident.sealedAt(), TestAlerts.T0.plusSeconds(60));
    JdbcIncidentStore store = new JdbcIncidentStore(dataSource);
    store.inTransaction(
        () -> {
          store.resolve(incident.id(), resolved.resolvedAt());
          alerts.incidents().resolved(resolved);
        });
  }

  static ToolRunFailed failed(RunCauses.RunRef run) {
    return new ToolRunFailed(
        run.id(),
        run.tool(),
        run.version(),
        "staging",
        "c-1",
        "FAIL: "
            + run.tool()
            + " "
            + run.version()
            + " broke 2 rule(s): OUTSIDE_BLAST_RADIUS x2 (tenants acme)",
        "Verdict FAIL for "
            + run.tool()
            + " "
            + run.version()
            + " (run "
            + run.id()
            + ")\n\nacme\n  canary-acme\n    ConfigMap settings: MISSING\n",
        "**acme**",
        "{\"id\":\""
            + run.id()
            + "\",\"verdict\":\"FAIL\",\"diff\":"
            + TestAlerts.incident(INCIDENT, TestAlerts.T0, null).json()
            + "}",
        2,
        TestAlerts.T0.plusSeconds(20));
  }

  /** The verdict's transaction: FAIL publishes ToolRunFailed, then every verdict is stored. */
  void verdict(RunCauses.RunRef run, String verdict) {
    alerts.inTransaction(
        () -> {
          if (verdict.equals("FAIL")) {
            alerts.toolRuns().onToolRunFailed(failed(run));
          }
          alerts
              .toolRuns()
              .onVerdictStored(
                  new RunVerdictStored(
                      run.id(),
                      run.tool(),
                      run.version(),
                      verdict,
                      "staging",
                      "c-1",
                      TestAlerts.T0.plusSeconds(20)));
        });
  }

  void acknowledge(String runId) {
    alerts.inTransaction(
        () ->
            alerts
                .toolRuns()
                .onAcknowledged(
                    new RunAcknowledged(
                        "c-1",
                        new Acknowledgement(
                            runId, "alice", "restored by hand", TestAlerts.T0.plusSeconds(90)))));
  }

  List<JsonNode> bodies(String path) {
    return receiver.findAll(postRequestedFor(urlEqualTo(path))).stream()
        .map(r -> AlertCodec.read(r.getBodyAsString()))
        .toList();
  }

  List<JsonNode> webhook(String status) {
    return bodies("/hook").stream().filter(b -> b.path("status").asText().equals(status)).toList();
  }

  @Test
  void aLossCausedByAFailedRunReachesEveryChannelAsOneViolation() {
    harness(Duration.ofHours(1), Duration.ofMinutes(5));
    alerts.start();
    causes.attribution = new RunCauses.AwaitingVerdict(List.of(RUN));
    Incident incident = seal();
    assertThat(alerts.outbox.forSubject(INCIDENT))
        .extracting(OutboxEntry::state)
        .containsOnly(OutboxEntry.State.HELD);
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> receiver.getAllServeEvents().isEmpty());

    causes.attribution = new RunCauses.CausedBy(RUN);
    verdict(RUN, "FAIL");
    await()
        .during(Duration.ofMillis(700))
        .atMost(Duration.ofSeconds(10))
        .until(() -> PATHS.stream().allMatch(p -> bodies(p).size() == 1));

    JsonNode hook = bodies("/hook").get(0);
    assertThat(hook.path("alertname").asText()).isEqualTo("ToolRunViolation");
    assertThat(hook.path("status").asText()).isEqualTo("firing");
    assertThat(hook.path("run").path("id").asText()).isEqualTo("run-42");
    assertThat(hook.path("run").path("tool").asText()).isEqualTo("tenant-pruner");
    assertThat(hook.path("run").path("version").asText()).isEqualTo("1.4.0");
    assertThat(hook.path("incident").asText()).isEqualTo(INCIDENT);
    assertThat(hook.path("incidents")).hasSize(1);
    assertThat(hook.path("text").asText())
        .contains("Tool tenant-pruner 1.4.0, run run-42")
        .contains("Caused incident " + INCIDENT + ": " + TestAlerts.PUBLIC)
        .contains("    ConfigMap settings: MISSING");
    JsonNode labels = bodies("/am/api/v2/alerts").get(0).get(0).path("labels");
    assertThat(labels.path("alertname").asText()).isEqualTo("ToolRunViolation");
    assertThat(labels.path("tool").asText()).isEqualTo("tenant-pruner");
    assertThat(labels.path("tool_version").asText()).isEqualTo("1.4.0");
    assertThat(labels.path("run").asText()).isEqualTo("run-42");
    assertThat(labels.has("incident")).isFalse();
    assertThat(causes.runsOf(INCIDENT)).containsExactly("run-42");
    StaticListableBeanFactory beans = new StaticListableBeanFactory();
    beans.addBean("causes", causes);
    AlertsController.IncidentAlerting alerting =
        new AlertsController(alerts.outbox, beans.getBeanProvider(RunCauses.class))
            .forIncident(INCIDENT);
    assertThat(alerting.expected()).isFalse();
    assertThat(alerting.causedBy()).containsExactly("run-42");
    assertThat(alerting.reason()).startsWith("merged into ToolRunViolation of run run-42");
    assertThat(alerts.outbox.forSubject(INCIDENT))
        .allSatisfy(
            e -> {
              assertThat(e.state()).isEqualTo(OutboxEntry.State.SUPPRESSED);
              assertThat(e.lastError()).startsWith("merged into ToolRunViolation of run run-42");
            });

    // re-seeded: the merged loss resolves silently
    resolve(incident);
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> PATHS.stream().allMatch(p -> bodies(p).size() == 1));
  }

  @Test
  void theViolationCarriesWhoChangedTheItemsOfTheLossesMergedIntoIt() {
    harness(Duration.ofHours(1), Duration.ofMinutes(5));
    alerts.start();
    causes.attribution = new RunCauses.AwaitingVerdict(List.of(RUN));
    Incident incident = TestAlerts.incident(INCIDENT, TestAlerts.T0.plusSeconds(5), null);
    assertThat(incident.items()).hasSizeGreaterThan(1);
    Instant at = TestAlerts.T0.plusSeconds(2);
    List<ItemAttribution> facts = new java.util.ArrayList<>();
    for (Incident.Item item : incident.items()) {
      ItemAttribution.ItemRef ref =
          new ItemAttribution.ItemRef(
              item.key().kind(), item.key().namespace(), item.key().name(), "uid-" + item.key());
      facts.add(
          new ItemAttribution(
              ref,
              new ItemAttribution.Actor(
                  "system:serviceaccount:ops:tenant-pruner",
                  List.of(),
                  null,
                  List.of(),
                  "delete",
                  at,
                  ItemAttribution.Source.ADMISSION),
              new ItemAttribution.Cause("Namespace", null, "canary-acme"),
              RUN.toString(),
              null));
    }
    JdbcIncidentStore store = new JdbcIncidentStore(dataSource);
    store.inTransaction(
        () -> {
          store.insert(incident);
          alerts.enrichmentStore.record(INCIDENT, facts);
          alerts.incidents().sealed(incident);
        });

    causes.attribution = new RunCauses.CausedBy(RUN);
    verdict(RUN, "FAIL");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> PATHS.stream().allMatch(p -> bodies(p).size() == 1));

    JsonNode hook = bodies("/hook").get(0);
    assertThat(hook.path("alertname").asText()).isEqualTo("ToolRunViolation");
    assertThat(hook.path("text").asText())
        .contains(
            "Caused incident "
                + INCIDENT
                + ": "
                + TestAlerts.PUBLIC
                + "/incidents/"
                + INCIDENT
                + "\nAttribution:\n  by system:serviceaccount:ops:tenant-pruner via the deletion"
                + " of namespace canary-acme during run "
                + RUN
                + " ("
                + incident.items().size()
                + " objects)\n\nVerdict FAIL");
  }

  @Test
  void aViolationWithoutAttributionHasNoAttributionBlock() {
    harness(Duration.ofHours(1), Duration.ofMinutes(5));
    alerts.start();
    verdict(RUN, "FAIL");
    causes.attribution = new RunCauses.CausedBy(RUN);
    seal();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> PATHS.stream().allMatch(p -> bodies(p).size() == 1));
    assertThat(bodies("/hook").get(0).path("text").asText()).doesNotContain("Attribution:");
  }

  @Test
  void aLossSealedAfterTheFailedVerdictIsMergedAtOnce() {
    harness(Duration.ofHours(1), Duration.ofMinutes(5));
    alerts.start();
    verdict(RUN, "FAIL");
    causes.attribution = new RunCauses.CausedBy(RUN);
    seal();
    await()
        .during(Duration.ofMillis(700))
        .atMost(Duration.ofSeconds(10))
        .until(() -> PATHS.stream().allMatch(p -> bodies(p).size() == 1));
    assertThat(bodies("/hook").get(0).path("alertname").asText()).isEqualTo("ToolRunViolation");
    assertThat(causes.runsOf(INCIDENT)).containsExactly("run-42");
  }

  @Test
  void aMergedLossIsNotPagedAgainWhenNothingExpectsItAnyMore() {
    // Seen in the replay: the merged loss was taken for an expected one whose expectation had
    // lapsed, and paged on its own a second time.
    harness(Duration.ofHours(1), Duration.ofMinutes(5));
    alerts.start();
    verdict(RUN, "FAIL");
    causes.attribution = new RunCauses.CausedBy(RUN);
    seal();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> PATHS.stream().allMatch(p -> bodies(p).size() == 1));

    alerts.lapsedExpectations().check();

    await()
        .during(Duration.ofMillis(700))
        .atMost(Duration.ofSeconds(10))
        .until(() -> PATHS.stream().allMatch(p -> bodies(p).size() == 1));
    assertThat(webhook("firing"))
        .extracting(b -> b.path("alertname").asText())
        .containsExactly("ToolRunViolation");
  }

  @Test
  void aHeldLossIsSentWhenTheRunPassesOrTheHoldRunsOut() {
    harness(Duration.ofHours(1), Duration.ofMillis(1500));
    alerts.start();
    causes.attribution = new RunCauses.AwaitingVerdict(List.of(RUN));
    seal();
    await()
        .during(Duration.ofMillis(700))
        .atMost(Duration.ofSeconds(2))
        .until(() -> receiver.getAllServeEvents().isEmpty());
    // no verdict came within the hold: the loss pages on its own
    await().atMost(Duration.ofSeconds(10)).until(() -> webhook("firing").size() == 1);
    assertThat(webhook("firing").get(0).path("alertname").asText()).isEqualTo("SentinelLoss");

    RunCauses.RunRef passing = new RunCauses.RunRef("run-43", "tenant-pruner", "1.4.1");
    Incident second =
        TestAlerts.incident("inc-20261122-100500-c3d4", TestAlerts.T0.plusSeconds(305), null);
    JdbcIncidentStore store = new JdbcIncidentStore(dataSource);
    causes.attribution = new RunCauses.AwaitingVerdict(List.of(passing));
    store.inTransaction(
        () -> {
          store.insert(second);
          alerts.incidents().sealed(second);
        });
    causes.attribution = new RunCauses.Unattributed();
    verdict(passing, "PASS");
    await().atMost(Duration.ofSeconds(1)).until(() -> webhook("firing").size() == 2);
    assertThat(webhook("firing").get(1).path("incident").asText()).isEqualTo(second.id());
    assertThat(webhook("firing"))
        .extracting(b -> b.path("alertname").asText())
        .containsOnly("SentinelLoss");
  }

  @Test
  void theViolationStaysFiringUntilAcknowledgedThenResolvesOnce() {
    harness(Duration.ofMillis(300), Duration.ofMinutes(5));
    alerts.start();
    verdict(RUN, "FAIL");
    await().atMost(Duration.ofSeconds(10)).until(() -> webhook("firing").size() == 1);
    // re-sent to Alertmanager, always firing with endsAt ahead; no resolve anywhere
    await().atMost(Duration.ofSeconds(10)).until(() -> bodies("/am/api/v2/alerts").size() >= 4);
    Instant now = Instant.now();
    assertThat(bodies("/am/api/v2/alerts"))
        .allSatisfy(b -> assertThat(Instant.parse(b.get(0).path("endsAt").asText())).isAfter(now));
    assertThat(webhook("resolved")).isEmpty();
    assertThat(bodies("/pd")).hasSize(1);

    acknowledge("run-42");
    await().atMost(Duration.ofSeconds(10)).until(() -> webhook("resolved").size() == 1);
    await()
        .during(Duration.ofMillis(1000))
        .atMost(Duration.ofSeconds(5))
        .until(() -> webhook("resolved").size() == 1 && bodies("/pd").size() == 2);
    assertThat(bodies("/pd").get(1).path("event_action").asText()).isEqualTo("resolve");
    assertThat(bodies("/pd").get(1).path("dedup_key").asText()).isEqualTo("staging:run-42");
    int alertmanagerPosts = bodies("/am/api/v2/alerts").size();
    JsonNode last = bodies("/am/api/v2/alerts").get(alertmanagerPosts - 1).get(0);
    assertThat(Instant.parse(last.path("endsAt").asText()))
        .isEqualTo(TestAlerts.T0.plusSeconds(90));
    // resolved: no more re-sends
    await()
        .during(Duration.ofMillis(1000))
        .atMost(Duration.ofSeconds(3))
        .until(() -> bodies("/am/api/v2/alerts").size() == alertmanagerPosts);
  }

  @Test
  void theNextPassOfTheSameToolResolvesItAnotherToolsPassDoesNot() {
    harness(Duration.ofHours(1), Duration.ofMinutes(5));
    alerts.start();
    verdict(RUN, "FAIL");
    await().atMost(Duration.ofSeconds(10)).until(() -> webhook("firing").size() == 1);

    verdict(new RunCauses.RunRef("run-50", "quota-sweeper", "2.0.0"), "PASS");
    await()
        .during(Duration.ofMillis(700))
        .atMost(Duration.ofSeconds(3))
        .until(() -> webhook("resolved").isEmpty());

    verdict(new RunCauses.RunRef("run-51", "tenant-pruner", "1.4.1"), "PASS");
    await().atMost(Duration.ofSeconds(10)).until(() -> webhook("resolved").size() == 1);
    JsonNode resolved = webhook("resolved").get(0);
    assertThat(resolved.path("alertname").asText()).isEqualTo("ToolRunViolation");
    assertThat(resolved.path("run").path("id").asText()).isEqualTo("run-42");
    // a second PASS resolves nothing new
    verdict(new RunCauses.RunRef("run-52", "tenant-pruner", "1.4.2"), "PASS");
    await()
        .during(Duration.ofMillis(700))
        .atMost(Duration.ofSeconds(3))
        .until(() -> webhook("resolved").size() == 1);
  }

  @Test
  void theViolationIsStoredWithTheVerdictsTransactionOnce() {
    harness(Duration.ofHours(1), Duration.ofMinutes(5));
    assertThatThrownBy(
            () ->
                alerts.inTransaction(
                    () -> {
                      alerts.toolRuns().onToolRunFailed(failed(RUN));
                      throw new IllegalStateException("verdict not stored");
                    }))
        .hasMessage("verdict not stored");
    assertThat(alerts.outbox.list(null, 10)).isEmpty();

    verdict(RUN, "FAIL");
    alerts.toolRuns().onToolRunFailed(failed(RUN)); // published again: still one row per channel
    assertThat(alerts.outbox.list(null, 10))
        .hasSize(4)
        .allSatisfy(
            e -> {
              assertThat(e.alertName()).isEqualTo("ToolRunViolation");
              assertThat(e.subject()).isEqualTo("run-42");
              assertThat(e.alert().link()).isEqualTo(TestAlerts.PUBLIC + "/runs/run-42");
              assertThat(e.alert().apiLink()).isEqualTo(TestAlerts.PUBLIC + "/api/v1/runs/run-42");
              assertThat(e.alert().counts()).containsEntry("VIOLATIONS", 2);
              assertThat(e.alert().labels())
                  .containsExactly(
                      Map.entry("tool", "tenant-pruner"),
                      Map.entry("tool_version", "1.4.0"),
                      Map.entry("run", "run-42"));
            });
  }
}
