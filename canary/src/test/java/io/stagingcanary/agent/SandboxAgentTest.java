package io.stagingcanary.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
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
 * The whole agent on the sandbox profile, as the README starts it: seeding, token access, and
 * detection of what a tool does to the sentinels. Re-seeding is manual here so the losses stay
 * visible until the test re-seeds them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sandbox")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxAgentTest {

  static final Duration GROUP_WINDOW = Duration.ofSeconds(1);
  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("canary.data-dir", () -> dataDir.toString());
    registry.add("canary.sandbox.port", () -> "0");
    registry.add("canary.fixtures.path", () -> "../fixtures");
    registry.add("canary.reseed.mode", () -> "manual");
    registry.add("canary.incidents.group-window", () -> GROUP_WINDOW.toMillis() + "ms");
  }

  @LocalServerPort int port;
  @Autowired KubernetesClient client;
  @Autowired io.stagingcanary.sandbox.SandboxCluster sandbox;

  AgentHttp http() {
    return new AgentHttp(port);
  }

  String token() throws Exception {
    return Files.readString(dataDir.resolve("api-token")).strip();
  }

  @Test
  @Order(1)
  void seedsEverySentinelAndReportsHealthy() {
    JsonNode status = http().get("/api/v1/status").json();
    assertThat(status.get("state").asText()).isEqualTo("HEALTHY");
    assertThat(status.get("clusterId").asText()).isEqualTo(sandbox.clusterId());
    assertThat(status.get("expected").asInt()).isGreaterThanOrEqualTo(40);
    assertThat(status.get("present").asInt()).isEqualTo(status.get("expected").asInt());
    assertThat(dataDir.resolve("kubeconfig")).exists();
    assertThat(client.namespaces().withLabel("stagingcanary.io/sentinel", "true").list().getItems())
        .extracting(ns -> ns.getMetadata().getName())
        .contains("canary-acme", "canary-globex", "canary-globex-data");
  }

  @Test
  @Order(2)
  void mutatingEndpointsNeedAValidBearerToken() throws Exception {
    AgentHttp.Response anonymous = http().post("/api/v1/verifications", null);
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.contentType()).startsWith("application/problem+json");
    assertThat(http().post("/api/v1/verifications", "not-the-token").status()).isEqualTo(401);

    AgentHttp.Response verified = http().post("/api/v1/verifications", token());
    assertThat(verified.status()).isEqualTo(200);
    assertThat(verified.json().get("state").asText()).isEqualTo("HEALTHY");
    assertThat(verified.json().get("unobservedKinds")).isEmpty();
  }

  @Test
  @Order(3)
  void aDeletedTenantNamespaceIsOneIncidentWithEverythingInItGroupedUnderTheTenant()
      throws Exception {
    List<String> contents = new ArrayList<>();
    client
        .configMaps()
        .inNamespace("canary-initech")
        .list()
        .getItems()
        .forEach(c -> contents.add(c.getMetadata().getName()));
    Instant deletedAt = Instant.now();
    client.namespaces().withName("canary-initech").delete();

    JsonNode incident = awaitIncidentWith("Namespace", "canary-initech");
    assertThat(Duration.between(deletedAt, Instant.parse(incident.get("openedAt").asText())))
        .isLessThan(Duration.ofSeconds(1));
    assertThat(incident.get("detectedBy").asText()).isEqualTo("WATCH");
    await()
        .atMost(GROUP_WINDOW.plusSeconds(5))
        .until(() -> fetch(incident.get("id").asText()).hasNonNull("sealedAt"));
    JsonNode sealed = fetch(incident.get("id").asText());
    List<JsonNode> items = StreamSupport.stream(sealed.get("items").spliterator(), false).toList();
    assertThat(items).allSatisfy(i -> assertThat(i.get("tenant").asText()).isEqualTo("initech"));
    assertThat(items).allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("MISSING"));
    assertThat(items)
        .extracting(i -> i.get("key").get("kind").asText())
        .contains("Namespace", "ConfigMap", "Secret", "PersistentVolumeClaim", "Deployment");
    assertThat(items).hasSize(7);
    assertThat(http().get("/api/v1/incidents").json()).hasSize(1);

    String text =
        http().get("/api/v1/incidents/" + incident.get("id").asText(), "text/plain").body();
    assertThat(text).contains("tenant initech").contains("MISSING   Namespace canary-initech");
    assertThat(sealed.get("diff").isObject()).as("the diff is embedded as JSON").isTrue();
    assertThat(sealed.get("status").asText()).isEqualTo("open");
    String markdown =
        http().get("/api/v1/incidents/" + incident.get("id").asText(), "text/markdown").body();
    assertThat(markdown)
        .startsWith("# Incident " + incident.get("id").asText())
        .contains("initech");
    assertThat(http().get("/api/v1/sentinels?state=MISSING").json()).hasSize(7);
    assertThat(http().get("/api/v1/status").json().get("state").asText()).isEqualTo("LOSS");

    AgentHttp.Response reseeded =
        http().post("/api/v1/incidents/" + incident.get("id").asText() + "/reseed", token());
    assertThat(reseeded.status()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> fetch(incident.get("id").asText()).hasNonNull("resolvedAt"));
    JsonNode namespace =
        StreamSupport.stream(http().get("/api/v1/sentinels").json().spliterator(), false)
            .filter(s -> s.get("kind").asText().equals("Namespace"))
            .filter(s -> s.get("name").asText().equals("canary-initech"))
            .findFirst()
            .orElseThrow();
    assertThat(namespace.get("state").asText()).isEqualTo("PRESENT");
    assertThat(namespace.get("generation").asInt()).isEqualTo(2);
    assertThat(namespace.get("uid").asText())
        .isEqualTo(client.namespaces().withName("canary-initech").get().getMetadata().getUid());
  }

  @Test
  @Order(4)
  void aSameNamedReplacementIsReplacedAndAStrippedLabelIsModified() throws Exception {
    client.configMaps().inNamespace("canary-hooli").withName("canary-settings").delete();
    client
        .configMaps()
        .inNamespace("canary-hooli")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("canary-settings")
                .withNamespace("canary-hooli")
                .endMetadata()
                .addToData("owner", "someone else")
                .build())
        .create();
    Secret secret =
        client.secrets().inNamespace("canary-umbrella").withName("canary-credentials").get();
    secret.getMetadata().getLabels().remove("stagingcanary.io/sentinel");
    client.secrets().inNamespace("canary-umbrella").resource(secret).update();

    assertThat(http().post("/api/v1/verifications", token()).status()).isEqualTo(200);

    assertThat(stateOf("ConfigMap", "canary-hooli", "canary-settings")).isEqualTo("REPLACED");
    assertThat(stateOf("Secret", "canary-umbrella", "canary-credentials")).isEqualTo("MODIFIED");
    assertThat(http().get("/api/v1/status").json().get("state").asText()).isEqualTo("LOSS");
  }

  private String stateOf(String kind, String namespace, String name) {
    return StreamSupport.stream(http().get("/api/v1/sentinels").json().spliterator(), false)
        .filter(s -> s.get("kind").asText().equals(kind))
        .filter(s -> namespace.equals(s.path("namespace").asText()))
        .filter(s -> s.get("name").asText().equals(name))
        .map(s -> s.get("state").asText())
        .findFirst()
        .orElseThrow();
  }

  private JsonNode awaitIncidentWith(String kind, String name) {
    JsonNode[] found = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              for (JsonNode incident : http().get("/api/v1/incidents").json()) {
                for (JsonNode item : incident.get("items")) {
                  if (item.get("key").get("kind").asText().equals(kind)
                      && item.get("key").get("name").asText().equals(name)) {
                    found[0] = incident;
                    return true;
                  }
                }
              }
              return false;
            });
    return found[0];
  }

  private JsonNode fetch(String id) {
    return http().get("/api/v1/incidents/" + id).json();
  }
}
