package io.stagingcanary.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.stagingcanary.demo.prune.PruneUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
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
 * The sandbox started with {@code canary.fixtures.sets=openshift-online} seeds every tenant; the
 * fixed prune tool costs exactly the bait tenants, the flawed one costs paying customers, and the
 * agent's incidents say so.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sandbox")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenShiftOnlineSandboxTest {

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("canary.data-dir", () -> dataDir.toString());
    registry.add("canary.sandbox.port", () -> "0");
    registry.add("canary.fixtures.path", () -> "../fixtures");
    registry.add("canary.fixtures.sets", () -> "openshift-online");
    registry.add("canary.reseed.mode", () -> "manual");
    registry.add("canary.incidents.group-window", () -> "5s");
  }

  @LocalServerPort int port;
  @Autowired KubernetesClient client;

  @Test
  @Order(1)
  void seedsEveryOpenShiftTenantAndReportsHealthy() {
    AgentHttp http = new AgentHttp(port);
    JsonNode status = http.get("/api/v1/status").json();
    assertThat(status.get("state").asText()).isEqualTo("HEALTHY");
    assertThat(status.get("expected").asInt()).isEqualTo(80);
    assertThat(status.get("present").asInt()).isEqualTo(80);

    List<String> kinds =
        StreamSupport.stream(http.get("/api/v1/sentinels").json().spliterator(), false)
            .map(s -> s.get("kind").asText())
            .distinct()
            .toList();
    assertThat(kinds)
        .contains("User", "Identity", "Project", "DeploymentConfig", "BuildConfig", "Route");

    GenericKubernetesResource project =
        client
            .genericKubernetesResources(
                new ResourceDefinitionContext.Builder()
                    .withGroup("project.openshift.io")
                    .withVersion("v1")
                    .withKind("Project")
                    .withPlural("projects")
                    .withNamespaced(false)
                    .build())
            .withName("canary-wayne")
            .get();
    assertThat(project.getMetadata().getAnnotations())
        .containsEntry("openshift.io/requester", "bruce");
    assertThat(project.getMetadata().getLabels())
        .containsEntry("tier", "pro")
        .containsEntry("purchased", "true")
        .containsEntry("stagingcanary.io/set", "openshift-online");
  }

  @Test
  @Order(2)
  void theFixedPruneToolCostsExactlyTheBaitTenants() throws Exception {
    Path kubeconfig = dataDir.resolve("kubeconfig");
    int exit =
        PruneUsers.main(
            new String[] {"prune-users", "--kubeconfig", kubeconfig.toString(), "--mode", "fixed"},
            System.out,
            System.err);
    assertThat(exit).isZero();

    JsonNode incident = awaitSealedIncident(0);
    assertThat(tenantsOf(incident)).containsExactlyInAnyOrder("vandelay", "dunder");
    assertThat(incident.get("items")).as("13 sentinels per bait tenant").hasSize(26);

    AgentHttp.Response reseeded =
        new AgentHttp(port)
            .post("/api/v1/incidents/" + incident.get("id").asText() + "/reseed", token());
    assertThat(reseeded.status()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                new AgentHttp(port)
                    .get("/api/v1/incidents/" + incident.get("id").asText())
                    .json()
                    .hasNonNull("resolvedAt"));
  }

  @Test
  @Order(3)
  void theFlawedPruneToolCostsPayingCustomersAndTheIncidentSaysWhich() throws Exception {
    new PruneUsers(client, System.out)
        .run(PruneUsers.Mode.FLAWED, PruneUsers.DEFAULT_SELECTOR, false);

    JsonNode incident = awaitSealedIncident(1);
    assertThat(tenantsOf(incident))
        .contains("wayne", "stark", "pied-piper", "soylent", "vandelay", "dunder");
    String text =
        new AgentHttp(port)
            .get("/api/v1/incidents/" + incident.get("id").asText(), "text/plain")
            .body();
    assertThat(text)
        .contains("tenant wayne")
        .contains("MISSING   User bruce")
        .contains("MISSING   PersistentVolumeClaim canary-wayne/db-data");
  }

  /** Waits for the newest incident once {@code before} incidents exist, sealed. */
  private JsonNode awaitSealedIncident(int before) {
    JsonNode[] found = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              JsonNode incidents = new AgentHttp(port).get("/api/v1/incidents").json();
              if (incidents.size() <= before || !incidents.get(0).hasNonNull("sealedAt")) {
                return false;
              }
              found[0] = incidents.get(0);
              return true;
            });
    return found[0];
  }

  private static Set<String> tenantsOf(JsonNode incident) {
    return StreamSupport.stream(incident.get("items").spliterator(), false)
        .map(i -> i.get("tenant").asText())
        .collect(Collectors.toSet());
  }

  private String token() throws Exception {
    return Files.readString(dataDir.resolve("api-token")).strip();
  }
}
