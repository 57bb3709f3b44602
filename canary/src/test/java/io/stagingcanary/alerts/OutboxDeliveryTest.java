package io.stagingcanary.alerts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.zaxxer.hikari.HikariDataSource;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentEnrichmentStore;
import io.stagingcanary.incident.ItemAttribution;
import io.stagingcanary.incident.JdbcIncidentStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker against WireMock receivers for every channel, on an H2 database file. */
class OutboxDeliveryTest {

  static final List<String> PATHS = List.of("/am/api/v2/alerts", "/slack", "/pd", "/hook");

  @TempDir Path directory;
  WireMockServer receiver;
  HikariDataSource dataSource;
  AlertingHarness alerts;
  final AtomicBoolean leader = new AtomicBoolean(true);

  @BeforeEach
  void start() {
    receiver = new WireMockServer(options().dynamicPort());
    receiver.start();
    dataSource = open();
    alerts = new AlertingHarness(dataSource, receiver.baseUrl(), leader::get);
  }

  @AfterEach
  void stop() {
    alerts.close();
    dataSource.close();
    receiver.stop();
  }

  HikariDataSource open() {
    return TestAlerts.pool(
        "jdbc:h2:file:" + directory.resolve("ledger").toAbsolutePath() + ";AUTO_SERVER=FALSE",
        "sa",
        "");
  }

  void accept(String path) {
    receiver.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(202)));
  }

  void acceptAll() {
    PATHS.forEach(this::accept);
  }

  /** Seals an incident through the real incident store, in its transaction. */
  Incident seal(String id) {
    Incident incident = TestAlerts.incident(id, TestAlerts.T0.plusSeconds(5), null);
    JdbcIncidentStore store = new JdbcIncidentStore(dataSource);
    store.inTransaction(
        () -> {
          store.insert(incident);
          alerts.incidents().sealed(incident);
        });
    return incident;
  }

  List<LoggedRequest> requests(String path) {
    return receiver.findAll(postRequestedFor(urlEqualTo(path)));
  }

  static JsonNode golden(String file) throws Exception {
    return AlertCodec.read(Files.readString(Path.of("src/test/resources/alerts", file)));
  }

  @Test
  void everyChannelReceivesItsDocumentedPayloadExactlyOnce() throws Exception {
    acceptAll();
    seal("inc-20261122-100000-a1b2");
    alerts.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> alerts.pending() == 0);
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> PATHS.stream().allMatch(p -> requests(p).size() == 1));

    JsonNode alertmanager = AlertCodec.read(requests("/am/api/v2/alerts").get(0).getBodyAsString());
    JsonNode expected = golden("alertmanager-firing.json");
    // endsAt is four re-send intervals after the delivery time; runbook_url is not configured here
    ((ObjectNode) alertmanager.get(0)).remove("endsAt");
    ((ObjectNode) expected.get(0)).remove("endsAt");
    ((ObjectNode) expected.get(0).get("annotations")).remove("runbook_url");
    assertThat(alertmanager).isEqualTo(expected);
    assertThat(AlertCodec.read(requests("/slack").get(0).getBodyAsString()))
        .isEqualTo(golden("slack-firing.json"));
    assertThat(AlertCodec.read(requests("/pd").get(0).getBodyAsString()))
        .isEqualTo(golden("pagerduty-trigger.json"));
    LoggedRequest hook = requests("/hook").get(0);
    assertThat(AlertCodec.read(hook.getBodyAsString())).isEqualTo(golden("webhook-firing.json"));
    assertThat(hook.getHeader("Idempotency-Key"))
        .isEqualTo("SentinelLoss:inc-20261122-100000-a1b2:firing/webhook-0");
    assertThat(hook.getHeader("X-Canary-Signature"))
        .isEqualTo(
            "sha256="
                + WebhookChannel.hmac(
                    AlertingHarness.SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    hook.getBodyAsString()));
    assertThat(alerts.outbox.list(OutboxEntry.State.DELIVERED, 10)).hasSize(4);
    assertThat(
            alerts
                .registry
                .get("canary.alert.deliveries")
                .tags("channel", "webhook-0", "outcome", "delivered")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void theFirstPageOfEveryChannelCarriesWhoDidItAsOneGroupedLine() {
    acceptAll();
    Incident incident = TestAlerts.incident("inc-attributed", TestAlerts.T0.plusSeconds(5), null);
    JdbcIncidentStore store = new JdbcIncidentStore(dataSource);
    IncidentEnrichmentStore enrichments =
        new IncidentEnrichmentStore(dataSource, event -> {}, java.time.Clock.systemUTC());
    ItemAttribution.Actor alice =
        new ItemAttribution.Actor(
            "alice",
            List.of(),
            null,
            List.of(),
            "delete",
            TestAlerts.T0,
            ItemAttribution.Source.ADMISSION);
    store.inTransaction(
        () -> {
          store.insert(incident);
          enrichments.record(
              incident.id(),
              incident.items().stream()
                  .map(
                      i ->
                          new ItemAttribution(
                              new ItemAttribution.ItemRef(
                                  i.key().kind(), i.key().namespace(), i.key().name(), "u"),
                              alice,
                              new ItemAttribution.Cause("Namespace", null, "canary-acme"),
                              null,
                              null))
                  .toList());
          alerts.incidents().sealed(incident);
        });
    alerts.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> alerts.pending() == 0);

    String line = "by alice via the deletion of namespace canary-acme (2 objects)";
    assertThat(AlertCodec.read(requests("/hook").get(0).getBodyAsString()).get("text").asText())
        .startsWith("Attribution:\n  " + line + "\n");
    for (String path : PATHS) {
      assertThat(requests(path).get(0).getBodyAsString()).as(path).contains(line);
    }
  }

  @Test
  void fiveHundredsAreRetriedUntilTheReceiverAcceptsThenDeliveredOnce() {
    PATHS.stream().filter(p -> !p.equals("/hook")).forEach(this::accept);
    receiver.stubFor(
        post(urlEqualTo("/hook"))
            .inScenario("flaky")
            .whenScenarioStateIs(STARTED)
            .willReturn(aResponse().withStatus(503).withBody("down"))
            .willSetStateTo("second"));
    receiver.stubFor(
        post(urlEqualTo("/hook"))
            .inScenario("flaky")
            .whenScenarioStateIs("second")
            .willReturn(aResponse().withStatus(500).withBody("still down"))
            .willSetStateTo("up"));
    receiver.stubFor(
        post(urlEqualTo("/hook"))
            .inScenario("flaky")
            .whenScenarioStateIs("up")
            .willReturn(aResponse().withStatus(200)));
    seal("inc-1");
    alerts.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> alerts.pending() == 0);
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> requests("/hook").size() == 3);
    OutboxEntry hook =
        alerts.outbox.forSubject("inc-1").stream()
            .filter(e -> e.channel().equals("webhook-0"))
            .findFirst()
            .orElseThrow();
    assertThat(hook.state()).isEqualTo(OutboxEntry.State.DELIVERED);
    // every attempt carried the same idempotency key
    assertThat(requests("/hook"))
        .extracting(r -> r.getHeader("Idempotency-Key"))
        .containsOnly("SentinelLoss:inc-1:firing/webhook-0");
  }

  @Test
  void aReceiverThatIsDownGetsEverythingInOrderWhenItReturns() {
    PATHS.stream().filter(p -> !p.equals("/slack")).forEach(this::accept);
    receiver.stubFor(
        post(urlEqualTo("/slack")).willReturn(aResponse().withStatus(503).withBody("maintenance")));
    seal("inc-1");
    seal("inc-2");
    seal("inc-3");
    alerts.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> requests("/slack").size() >= 6);
    assertThat(alerts.outbox.head("slack-0").orElseThrow().subject()).isEqualTo("inc-1");
    // the receiver's answer, or the circuit breaker that opened on it
    assertThat(alerts.outbox.head("slack-0").orElseThrow().lastError())
        .matches("HTTP 503: maintenance|circuit breaker open: .*");
    // while one channel is down, the others are not held up
    assertThat(requests("/hook")).hasSize(3);

    receiver.resetRequests();
    accept("/slack");
    await().atMost(Duration.ofSeconds(20)).until(() -> alerts.pending() == 0);
    List<String> order =
        requests("/slack").stream()
            .sorted(Comparator.comparing(LoggedRequest::getLoggedDate))
            .map(r -> AlertCodec.read(r.getBodyAsString()).path("text").asText())
            .toList();
    assertThat(order).hasSize(3);
    assertThat(alerts.outbox.list(OutboxEntry.State.DELIVERED, 20))
        .filteredOn(e -> e.channel().equals("slack-0"))
        .extracting(OutboxEntry::subject)
        .containsExactlyInAnyOrder("inc-1", "inc-2", "inc-3");
    List<OutboxEntry> slack =
        alerts.outbox.list(OutboxEntry.State.DELIVERED, 20).stream()
            .filter(e -> e.channel().equals("slack-0"))
            .sorted(Comparator.comparing(OutboxEntry::deliveredAt))
            .toList();
    assertThat(slack).extracting(OutboxEntry::subject).containsExactly("inc-1", "inc-2", "inc-3");
  }

  @Test
  void aRefusalIsMarkedFailedWithTheAnswerVisibleInTheApiAndCanBeRetried() {
    PATHS.stream().filter(p -> !p.equals("/pd")).forEach(this::accept);
    receiver.stubFor(
        post(urlEqualTo("/pd"))
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withBody("{\"status\":\"invalid event\",\"errors\":[\"bad routing key\"]}")));
    seal("inc-1");
    alerts.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> alerts.pending() == 0);
    AlertsController api =
        new AlertsController(
            alerts.outbox,
            new org.springframework.beans.factory.support.StaticListableBeanFactory()
                .getBeanProvider(io.stagingcanary.runs.RunCauses.class));
    List<AlertsController.AlertView> failed = api.list("failed", 100);
    assertThat(failed)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.channel()).isEqualTo("pagerduty-0");
              assertThat(v.lastError()).startsWith("HTTP 400: ").contains("bad routing key");
              assertThat(v.state()).isEqualTo("failed");
            });
    // not retried forever: one request only
    assertThat(requests("/pd")).hasSize(1);
    assertThat(
            alerts
                .registry
                .get("canary.alert.deliveries")
                .tags("channel", "pagerduty-0", "outcome", "failed")
                .counter()
                .count())
        .isEqualTo(1.0);

    accept("/pd");
    api.retry(failed.get(0).id());
    await().atMost(Duration.ofSeconds(20)).until(() -> api.list("failed", 100).isEmpty());
    await().atMost(Duration.ofSeconds(5)).until(() -> alerts.pending() == 0);
    assertThat(requests("/pd")).hasSize(2);
  }

  @Test
  void aSlowReceiverDelaysOnlyItsOwnChannelNeverDetection() {
    PATHS.stream().filter(p -> !p.equals("/slack")).forEach(this::accept);
    receiver.stubFor(
        post(urlEqualTo("/slack")).willReturn(aResponse().withStatus(200).withFixedDelay(1500)));
    alerts.start();
    seal("inc-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> requests("/slack").size() == 1);
    // while the slack receiver is still answering the first alert, a new incident is stored and
    // the other channels deliver it
    seal("inc-2");
    await().atMost(Duration.ofSeconds(10)).until(() -> requests("/hook").size() == 2);
    assertThat(alerts.outbox.forSubject("inc-2"))
        .filteredOn(e -> e.channel().equals("slack-0"))
        .singleElement()
        .satisfies(e -> assertThat(e.state()).isEqualTo(OutboxEntry.State.PENDING));
    await().atMost(Duration.ofSeconds(20)).until(() -> alerts.pending() == 0);
    assertThat(requests("/slack")).hasSize(2);
  }

  @Test
  void aSlowReceiverBeyondTheTimeLimitIsRetriedNotWaitedFor() {
    PATHS.stream().filter(p -> !p.equals("/am/api/v2/alerts")).forEach(this::accept);
    receiver.stubFor(
        post(urlEqualTo("/am/api/v2/alerts"))
            .willReturn(aResponse().withStatus(200).withFixedDelay(5000)));
    alerts.close();
    alerts =
        new AlertingHarness(
            dataSource,
            AlertingHarness.properties(
                receiver.baseUrl(),
                Duration.ofHours(1),
                new AlertsProperties.Delivery(
                    2,
                    Duration.ofMillis(20),
                    Duration.ofMillis(200),
                    Duration.ofMillis(500),
                    Duration.ofMillis(50),
                    Duration.ofMillis(200))),
            leader::get);
    seal("inc-1");
    alerts.start();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> alerts.outbox.head("alertmanager-0").map(OutboxEntry::attempts).orElse(0) >= 1);
    assertThat(alerts.outbox.head("alertmanager-0").orElseThrow().lastError())
        .isEqualTo("no answer within the time limit");
  }

  @Test
  void anAgentRestartWithPendingRowsDeliversThemOnce() {
    acceptAll();
    leader.set(false); // the first agent stores the alerts but dies before delivering them
    alerts.start();
    seal("inc-1");
    seal("inc-2");
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> true);
    assertThat(receiver.getAllServeEvents()).isEmpty();
    alerts.close();
    dataSource.close();

    dataSource = open();
    leader.set(true);
    alerts = new AlertingHarness(dataSource, receiver.baseUrl(), leader::get);
    assertThat(alerts.pending()).isEqualTo(8);
    alerts.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> alerts.pending() == 0);
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> PATHS.stream().allMatch(p -> requests(p).size() == 2));
    for (String path : PATHS) {
      assertThat(requests(path)).as(path).hasSize(2);
    }
  }

  @Test
  void escalationsSendNothingAndAResolveSendsOneMessagePerChannel() {
    acceptAll();
    alerts.start();
    Incident incident = seal("inc-1");
    await().atMost(Duration.ofSeconds(20)).until(() -> alerts.pending() == 0);
    alerts.incidents().escalated(incident);
    alerts.incidents().escalated(incident);
    alerts.incidents().sealed(incident); // a repeated seal (restart) is idempotent
    Incident resolved =
        TestAlerts.incident("inc-1", incident.sealedAt(), TestAlerts.T0.plusSeconds(60));
    alerts.incidents().resolved(resolved);
    await().atMost(Duration.ofSeconds(20)).until(() -> alerts.pending() == 0);
    for (String path : PATHS) {
      assertThat(requests(path)).as(path).hasSize(2);
    }
    assertThat(
            AlertCodec.read(requests("/pd").get(0).getBodyAsString()).path("event_action").asText())
        .isIn("trigger", "resolve");
    assertThat(requests("/pd"))
        .extracting(r -> AlertCodec.read(r.getBodyAsString()).path("event_action").asText())
        .containsExactlyInAnyOrder("trigger", "resolve");
    assertThat(requests("/hook"))
        .extracting(r -> r.getHeader("Idempotency-Key"))
        .containsExactlyInAnyOrder(
            "SentinelLoss:inc-1:firing/webhook-0", "SentinelLoss:inc-1:resolved/webhook-0");
    assertThat(
            receiver.findAll(
                postRequestedFor(urlEqualTo("/hook"))
                    .withHeader(
                        "Idempotency-Key", equalTo("SentinelLoss:inc-1:resolved/webhook-0"))))
        .singleElement()
        .satisfies(
            r ->
                assertThat(AlertCodec.read(r.getBodyAsString()).path("endsAt").asText())
                    .isEqualTo("2026-11-22T10:01:00Z"));
  }

  @Test
  void alertmanagerGetsActiveAlertsReSentWithCurrentContentUntilTheyResolve() {
    acceptAll();
    alerts.close();
    alerts =
        new AlertingHarness(dataSource, receiver.baseUrl(), leader::get, Duration.ofSeconds(1));
    alerts.start();
    Incident incident = seal("inc-1");
    await().atMost(Duration.ofSeconds(20)).until(() -> requests("/am/api/v2/alerts").size() >= 3);
    // re-sends are not new messages: the other channels got one each
    assertThat(requests("/slack")).hasSize(1);
    assertThat(requests("/hook")).hasSize(1);
    assertThat(requests("/am/api/v2/alerts"))
        .extracting(r -> AlertCodec.read(r.getBodyAsString()).get(0).path("labels"))
        .containsOnly(
            AlertCodec.read(requests("/am/api/v2/alerts").get(0).getBodyAsString())
                .get(0)
                .path("labels"));

    JdbcIncidentStore store = new JdbcIncidentStore(dataSource);
    Incident resolved = TestAlerts.incident("inc-1", incident.sealedAt(), java.time.Instant.now());
    store.inTransaction(
        () -> {
          store.resolve("inc-1", resolved.resolvedAt());
          alerts.incidents().resolved(resolved);
        });
    await().atMost(Duration.ofSeconds(20)).until(() -> alerts.pending() == 0);
    int afterResolve = requests("/am/api/v2/alerts").size();
    await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() -> true);
    assertThat(requests("/am/api/v2/alerts")).hasSize(afterResolve);
  }
}
