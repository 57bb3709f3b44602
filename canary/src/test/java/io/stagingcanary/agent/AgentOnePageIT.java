package io.stagingcanary.agent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.alerts.ExampleAlertmanagerConfig;
import io.stagingcanary.alerts.RealAlertmanager;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentStore;
import io.stagingcanary.runs.RunService;
import io.stagingcanary.runs.ToolRun;
import io.stagingcanary.verification.SentinelObservations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One page per problem, end to end: the whole agent (sandbox profile) runs a bracketed tool run
 * that deletes a sentinel and FAILs. The agent's webhook channel gets one firing message (the
 * ToolRunViolation naming tool, version and run, with the incident and the grouped diff), and the
 * real Alertmanager, running the shipped deploy/alertmanager/alertmanager.yml with the rule alerts
 * Prometheus would add for the same run, sends exactly one notification to its receiver (WireMock).
 * The acknowledgement resolves the violation once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sandbox")
class AgentOnePageIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static Path dataDir;
  static WireMockServer receiver;
  static RealAlertmanager alertmanager;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws Exception {
    dataDir = Files.createTempDirectory("canary-one-page-it");
    receiver = new WireMockServer(options().dynamicPort());
    receiver.start();
    for (String path : List.of("/hook", "/pd", "/slack")) {
      receiver.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(202)));
    }
    alertmanager =
        RealAlertmanager.start(
            dataDir.resolve("alertmanager"),
            ExampleAlertmanagerConfig.pointedAt(receiver.baseUrl(), dataDir.resolve("secrets")));
    registry.add("canary.data-dir", () -> dataDir.resolve("agent").toString());
    registry.add("canary.sandbox.port", () -> "0");
    registry.add("canary.fixtures.path", () -> "../fixtures");
    registry.add("canary.incidents.group-window", () -> "1s");
    registry.add("canary.runs.settle", () -> "1s");
    registry.add("canary.alerts.alertmanager[0].url", alertmanager::url);
    registry.add("canary.alerts.webhooks[0].name", () -> "ticketing");
    registry.add("canary.alerts.webhooks[0].url", () -> receiver.baseUrl() + "/hook");
    registry.add("canary.alerts.resend-interval", () -> "5s");
    registry.add("canary.alerts.delivery.poll-interval", () -> "100ms");
  }

  @AfterAll
  static void stop() throws Exception {
    if (alertmanager != null) {
      alertmanager.close();
    }
    if (receiver != null) {
      receiver.stop();
    }
  }

  @LocalServerPort int port;
  @Autowired KubernetesClient client;
  @Autowired RunService runs;
  @Autowired IncidentStore incidents;
  @Autowired SentinelObservations observations;

  List<JsonNode> received(String path) {
    return receiver.findAll(postRequestedFor(urlEqualTo(path))).stream()
        .map(r -> read(r.getBodyAsString()))
        .toList();
  }

  static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aBadToolRunIsOnePageOnEveryChannel() throws Exception {
    // a tool without a policy may change nothing: deleting a sentinel FAILs it
    ToolRun run =
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(
                () ->
                    runs.begin(
                        new RunService.BeginRequest(
                            "bulk-cleaner", "0.9.0", null, null, null, false, null, null)),
                r -> r != null);
    client.configMaps().inNamespace("canary-hooli").withName("canary-settings").delete();
    String clusterId = observations.cluster().orElseThrow().id();
    // the incident seals before the verdict: its alert waits for it
    Incident incident =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> incidents.open(clusterId).stream().filter(Incident::isSealed).findFirst(),
                java.util.Optional::isPresent)
            .orElseThrow();
    Thread.sleep(1500); // the worker polls every 100 ms: a loss alert would be sent by now
    assertThat(received("/hook")).isEmpty();

    ToolRun judged = runs.complete(run.id(), 0, null);
    assertThat(judged.verdict()).isEqualTo(ToolRun.Verdict.FAIL);

    await().atMost(Duration.ofSeconds(20)).until(() -> received("/hook").size() == 1);
    // what Prometheus adds for the same run: the rule-side alerts, muted by the agent's alert
    alertmanager.post(
        """
        [{"labels": {"alertname": "ToolRunFailed", "severity": "warning", "cluster": "sandbox",
                     "tool": "bulk-cleaner", "verdict": "FAIL"},
          "annotations": {"summary": "Ops tool bulk-cleaner run ended FAIL on sandbox"}},
         {"labels": {"alertname": "SentinelLossOpen", "severity": "critical", "cluster": "sandbox"},
          "annotations": {"summary": "1 open sentinel-loss incident(s) on sandbox"}}]
        """);
    await().atMost(Duration.ofSeconds(60)).until(() -> received("/pd").size() == 1);
    // group_wait of the pager route is 10 s, of the default 30 s: nothing else comes
    Thread.sleep(35_000);
    assertThat(received("/pd")).hasSize(1);
    assertThat(received("/slack")).isEmpty();
    assertThat(received("/hook")).hasSize(1);

    JsonNode hook = received("/hook").get(0);
    assertThat(hook.path("alertname").asText()).isEqualTo("ToolRunViolation");
    assertThat(hook.path("status").asText()).isEqualTo("firing");
    assertThat(hook.path("run").path("id").asText()).isEqualTo(run.id());
    assertThat(hook.path("run").path("tool").asText()).isEqualTo("bulk-cleaner");
    assertThat(hook.path("run").path("version").asText()).isEqualTo("0.9.0");
    assertThat(hook.path("incidents").get(0).asText()).isEqualTo(incident.id());
    assertThat(hook.path("text").asText())
        .contains("MISSING   ConfigMap canary-hooli/canary-settings");
    JsonNode page = received("/pd").get(0);
    assertThat(page.path("routing_key").asText()).isEqualTo(ExampleAlertmanagerConfig.ROUTING_KEY);
    assertThat(page.path("event_action").asText()).isEqualTo("trigger");
    assertThat(page.path("payload").path("summary").asText())
        .contains("ToolRunViolation")
        .contains("bulk-cleaner 0.9.0");

    // the incident and the run name each other
    AgentHttp http = new AgentHttp(port);
    assertThat(http.get("/api/v1/runs/" + run.id()).json().path("incidents").get(0).asText())
        .isEqualTo(incident.id());
    assertThat(
            http.get("/api/v1/incidents/" + incident.id()).json().path("causedBy").get(0).asText())
        .isEqualTo(run.id());

    // still firing (re-sent) until acknowledged; then resolved once
    Thread.sleep(6000);
    assertThat(received("/hook")).hasSize(1);
    String token = Files.readString(dataDir.resolve("agent/api-token")).strip();
    AgentHttp.Response ack =
        http.postJson(
            "/api/v1/runs/" + run.id() + "/acknowledge",
            "{\"who\":\"alice\",\"why\":\"restored the ConfigMap; tool fixed in 0.9.1\"}",
            token);
    assertThat(ack.status()).as(ack.body()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> received("/hook").size() == 2);
    assertThat(received("/hook").get(1).path("status").asText()).isEqualTo("resolved");
    assertThat(
            http.postJson(
                    "/api/v1/runs/" + run.id() + "/acknowledge",
                    "{\"who\":\"bob\",\"why\":\"again\"}",
                    token)
                .status())
        .isEqualTo(409);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (JsonNode a : alertmanager.alerts()) {
                if (a.path("labels").path("alertname").asText().equals("ToolRunViolation")) {
                  return false;
                }
              }
              return true;
            });
    Thread.sleep(2000);
    assertThat(received("/hook")).hasSize(2);
  }
}
