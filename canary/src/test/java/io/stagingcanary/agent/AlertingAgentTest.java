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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole agent on the sandbox profile with a webhook channel (WireMock): a loss pages once, a
 * loss inside a mute-all maintenance window is recorded but not paged, and the alerts and
 * maintenance APIs show both.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sandbox")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertingAgentTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final WireMockServer RECEIVER = new WireMockServer(options().dynamicPort());
  @TempDir static Path dataDir;

  static {
    RECEIVER.start();
    RECEIVER.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(204)));
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("canary.data-dir", () -> dataDir.toString());
    registry.add("canary.sandbox.port", () -> "0");
    registry.add("canary.fixtures.path", () -> "../fixtures");
    registry.add("canary.reseed.mode", () -> "manual");
    registry.add("canary.incidents.group-window", () -> "1s");
    registry.add("canary.alerts.webhooks[0].name", () -> "oncall-hook");
    registry.add("canary.alerts.webhooks[0].url", () -> RECEIVER.baseUrl() + "/hook");
    registry.add("canary.alerts.webhooks[0].secret", () -> "s3cret");
    registry.add("canary.alerts.delivery.poll-interval", () -> "100ms");
    registry.add("canary.public-url", () -> "https://canary.example.com");
  }

  @AfterAll
  static void stopReceiver() {
    RECEIVER.stop();
  }

  @LocalServerPort int port;
  @Autowired KubernetesClient client;

  AgentHttp http() {
    return new AgentHttp(port);
  }

  String token() throws Exception {
    return Files.readString(dataDir.resolve("api-token")).strip();
  }

  static String window(Instant start, Instant end, String reason, String tenant, String mode) {
    return "{\"start\":\""
        + start
        + "\",\"end\":\""
        + end
        + "\",\"reason\":\""
        + reason
        + "\",\"matchers\":{\"tenants\":[\""
        + tenant
        + "\"]}"
        + (mode == null ? "" : ",\"mode\":\"" + mode + "\"")
        + "}";
  }

  List<JsonNode> hookBodies() {
    return RECEIVER.findAll(postRequestedFor(urlEqualTo("/hook"))).stream()
        .map(r -> read(r.getBodyAsString()))
        .toList();
  }

  static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(json, e);
    }
  }

  @Test
  @Order(1)
  void maintenanceWindowsNeedATokenAndAValidBody() throws Exception {
    Instant now = Instant.now();
    String valid = window(now, now.plus(Duration.ofHours(1)), "drain", "umbrella", "mute-all");
    assertThat(http().send("POST", "/api/v1/maintenance-windows", null, valid).status())
        .isEqualTo(401);
    AgentHttp.Response backwards =
        http()
            .send(
                "POST",
                "/api/v1/maintenance-windows",
                token(),
                window(now.plusSeconds(60), now, "drain", "umbrella", null));
    assertThat(backwards.status()).isEqualTo(400);
    assertThat(backwards.body()).contains("end must be after start");
    AgentHttp.Response tooLong =
        http()
            .send(
                "POST",
                "/api/v1/maintenance-windows",
                token(),
                window(now, now.plus(Duration.ofHours(13)), "drain", "umbrella", null));
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.body()).contains("canary.maintenance.max-duration");
    AgentHttp.Response noReason =
        http()
            .send(
                "POST",
                "/api/v1/maintenance-windows",
                token(),
                window(now, now.plusSeconds(600), "", "umbrella", null));
    assertThat(noReason.status()).isEqualTo(400);
    assertThat(noReason.body()).contains("reason must not be empty");
  }

  @Test
  @Order(2)
  void aWindowIsStoredAndListedInTheStatus() throws Exception {
    Instant now = Instant.now();
    AgentHttp.Response created =
        http()
            .send(
                "POST",
                "/api/v1/maintenance-windows",
                token(),
                window(
                    now.minusSeconds(5),
                    now.plus(Duration.ofHours(1)),
                    "umbrella migration",
                    "umbrella",
                    "mute-all"));
    assertThat(created.status()).isEqualTo(201);
    JsonNode window = read(created.body());
    assertThat(window.path("mode").asText()).isEqualTo("mute-all");
    assertThat(window.path("state").asText()).isEqualTo("active");
    JsonNode status = http().get("/api/v1/status").json();
    assertThat(status.path("maintenanceWindows")).hasSize(1);
    assertThat(status.path("maintenanceWindows").get(0).path("id").asText())
        .isEqualTo(window.path("id").asText());
    assertThat(http().get("/actuator/prometheus").body())
        .contains("canary_maintenance_window_active{cluster=\"sandbox\"} 1.0");
  }

  @Test
  @Order(3)
  void aLossPagesOncePerChannel() {
    client.configMaps().inNamespace("canary-acme").withName("canary-settings").delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> hookBodies().size() == 1);
    JsonNode body = hookBodies().get(0);
    assertThat(body.path("version").asInt()).isEqualTo(1);
    assertThat(body.path("status").asText()).isEqualTo("firing");
    assertThat(body.path("alertname").asText()).isEqualTo("SentinelLoss");
    assertThat(body.path("counts").path("MISSING").asInt()).isEqualTo(1);
    assertThat(body.path("links").path("incident").asText())
        .startsWith("https://canary.example.com/api/v1/incidents/inc-");
    assertThat(body.path("links").path("page").asText())
        .startsWith("https://canary.example.com/incidents/inc-");
    // the webhook and the sandbox's log channel, each delivered by its own worker
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> http().get("/api/v1/alerts?state=delivered").json().size() >= 2);
    JsonNode delivered = http().get("/api/v1/alerts?state=delivered").json();
    assertThat(delivered).hasSize(2);
    assertThat(
            StreamSupport.stream(delivered.spliterator(), false)
                .map(a -> a.path("channel").asText()))
        .containsExactlyInAnyOrder("oncall-hook", "log");
  }

  @Test
  @Order(4)
  void aLossInsideAMuteAllWindowIsRecordedButNotPaged() {
    client.configMaps().inNamespace("canary-umbrella").withName("canary-settings").delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http().get("/api/v1/alerts?state=suppressed").json().size() == 2);
    JsonNode suppressed = http().get("/api/v1/alerts?state=suppressed").json().get(0);
    assertThat(suppressed.path("lastError").asText()).contains("umbrella migration");
    String incident = suppressed.path("subject").asText();
    assertThat(http().get("/api/v1/incidents/" + incident).status()).isEqualTo(200);
    JsonNode alerting = http().get("/api/v1/incidents/" + incident + "/alerts").json();
    assertThat(alerting.path("expected").asBoolean()).isTrue();
    assertThat(alerting.path("reason").asText()).contains("umbrella migration");
    JsonNode status = http().get("/api/v1/status").json();
    assertThat(status.path("maintenanceWindows").get(0).path("mode").asText())
        .isEqualTo("mute-all");
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> true);
    assertThat(hookBodies()).hasSize(1);
  }

  @Test
  @Order(5)
  void aDeletedWindowStaysInTheAuditTrailAndAlertsApiRefusesBadInput() throws Exception {
    JsonNode windows = http().get("/api/v1/maintenance-windows").json();
    String id = windows.get(0).path("id").asText();
    AgentHttp.Response deleted =
        http().send("DELETE", "/api/v1/maintenance-windows/" + id, token(), null);
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(read(deleted.body()).path("state").asText()).isEqualTo("deleted");
    assertThat(http().get("/api/v1/maintenance-windows?state=deleted").json()).hasSize(1);
    assertThat(http().get("/api/v1/status").json().path("maintenanceWindows")).isEmpty();

    assertThat(http().get("/api/v1/alerts?state=lost").status()).isEqualTo(400);
    long deliveredId =
        http().get("/api/v1/alerts?state=delivered").json().get(0).path("id").asLong();
    assertThat(http().post("/api/v1/alerts/" + deliveredId + "/retry", null).status())
        .isEqualTo(401);
    assertThat(http().post("/api/v1/alerts/" + deliveredId + "/retry", token()).status())
        .isEqualTo(409);
    assertThat(http().post("/api/v1/alerts/999999/retry", token()).status()).isEqualTo(404);
  }
}
