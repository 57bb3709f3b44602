package io.stagingcanary.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.controlplane.ControlPlane;
import io.stagingcanary.controlplane.ExecResult;
import io.stagingcanary.controlplane.RealControlPlane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole agent (default profile, as in production) against the real control plane: it seeds
 * {@code fixtures/sandbox} through its kubeconfig, lists every kind with a page size of 2 (so every
 * full listing paginates), and after kubectl deletes a tenant namespace its sentinel view shows
 * that namespace and everything in it MISSING.
 */
@RealControlPlane
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// Stop the agent after this class: the other ITs share the control plane.
@DirtiesContext
class RealClusterAgentIT {

  private static final String TOKEN = "real-cluster-agent-it-token";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String LOST_TENANT = "initech";
  private static final String LOST_NAMESPACE = "canary-initech";

  @TempDir static Path dataDir;
  private static String previousKubeconfig;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws Exception {
    // Runs before the application context exists: the agent's client (fabric8's standard
    // resolution, as in production) then reads this kubeconfig.
    ControlPlane controlPlane = ControlPlane.shared();
    previousKubeconfig = System.getProperty(Config.KUBERNETES_KUBECONFIG_FILE);
    System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, controlPlane.kubeconfig().toString());
    Path tokenFile = Files.writeString(dataDir.resolve("api-tokens"), TOKEN + "\n");
    registry.add("canary.data-dir", () -> dataDir.toString());
    registry.add("canary.cluster-name", () -> "real-control-plane");
    registry.add("canary.fixtures.path", () -> "../fixtures");
    registry.add("canary.fixtures.sets", () -> "sandbox");
    registry.add("canary.api.token-file", tokenFile::toString);
    registry.add("canary.verification.page-size", () -> "2");
    registry.add("canary.reseed.mode", () -> "manual");
    // default group window (5 s), as in production
  }

  @AfterAll
  static void restoreKubeconfig() {
    if (previousKubeconfig == null) {
      System.clearProperty(Config.KUBERNETES_KUBECONFIG_FILE);
    } else {
      System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, previousKubeconfig);
    }
  }

  @LocalServerPort int port;
  @Autowired KubernetesClient agentClient;

  private AgentHttp http() {
    return new AgentHttp(port);
  }

  @Test
  @Order(1)
  void seedsTheSandboxSetIntoTheRealCluster(ControlPlane controlPlane, KubernetesClient admin) {
    assertThat(agentClient.getMasterUrl().toString()).startsWith(controlPlane.apiServerUrl());

    JsonNode status = http().get("/api/v1/status").json();
    assertThat(status.get("state").asText()).isEqualTo("HEALTHY");
    assertThat(status.get("clusterId").asText())
        .isEqualTo(admin.namespaces().withName("kube-system").get().getMetadata().getUid());
    assertThat(status.get("expected").asInt()).isGreaterThanOrEqualTo(40);
    assertThat(status.get("present").asInt()).isEqualTo(status.get("expected").asInt());

    List<JsonNode> sentinels = sentinels();
    assertThat(sentinels).hasSize(status.get("expected").asInt());
    for (JsonNode sentinel : sentinels) {
      String uid = liveUid(admin, sentinel);
      assertThat(uid).as("live uid of %s", sentinel).isEqualTo(sentinel.get("uid").asText());
    }
  }

  @Test
  @Order(2)
  void aFullVerificationWithPagesOfTwoSeesEverySentinel() {
    AgentHttp.Response verified = http().post("/api/v1/verifications", TOKEN);

    assertThat(verified.status()).isEqualTo(200);
    JsonNode result = verified.json();
    assertThat(result.get("state").asText()).isEqualTo("HEALTHY");
    assertThat(result.get("unobservedKinds")).isEmpty();
    int expected = http().get("/api/v1/status").json().get("expected").asInt();
    assertThat(result.get("requests").asInt())
        .as("pages of 2 need more requests than there are kinds")
        .isGreaterThanOrEqualTo(expected / 2);
    assertThat(http().get("/api/v1/status").json().get("present").asInt()).isEqualTo(expected);
  }

  @Test
  @Order(3)
  void kubectlDeletingATenantNamespaceMakesItAndEverythingInItMissing(ControlPlane controlPlane) {
    List<JsonNode> tenant =
        sentinels().stream().filter(s -> s.get("tenant").asText().equals(LOST_TENANT)).toList();
    List<JsonNode> inNamespace =
        tenant.stream()
            .filter(
                s ->
                    LOST_NAMESPACE.equals(s.path("namespace").asText())
                        || (s.get("kind").asText().equals("Namespace")
                            && s.get("name").asText().equals(LOST_NAMESPACE)))
            .toList();
    assertThat(inNamespace).hasSizeGreaterThan(3);

    ExecResult delete =
        controlPlane.kubectl(
            "delete", "namespace", LOST_NAMESPACE, "--wait=true", "--timeout=120s");
    assertThat(delete.exitCode()).as(delete.toString()).isZero();

    await("the agent reports the namespace and its contents MISSING")
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(sentinels())
                    .filteredOn(s -> inNamespace.stream().anyMatch(t -> sameIdentity(s, t)))
                    .hasSize(inNamespace.size())
                    .allSatisfy(
                        s ->
                            assertThat(s.get("state").asText())
                                .as("%s %s/%s", s.get("kind"), s.path("namespace"), s.get("name"))
                                .isEqualTo("MISSING")));
    assertThat(sentinels())
        .as("every other sentinel is untouched")
        .filteredOn(s -> inNamespace.stream().noneMatch(t -> sameIdentity(s, t)))
        .allSatisfy(s -> assertThat(s.get("state").asText()).isEqualTo("PRESENT"));
    assertThat(http().get("/api/v1/status").json().get("state").asText()).isEqualTo("LOSS");
    assertThat(http().get("/api/v1/sentinels?state=MISSING").json()).hasSize(inNamespace.size());

    // On a real API server the namespace controller deletes the contents over several seconds,
    // so the loss may be split over more than one incident; each names only this tenant, and
    // together they name every lost sentinel.
    await("incidents name every lost sentinel")
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              List<JsonNode> items =
                  StreamSupport.stream(http().get("/api/v1/incidents").json().spliterator(), false)
                      .flatMap(i -> StreamSupport.stream(i.get("items").spliterator(), false))
                      .toList();
              assertThat(items)
                  .allSatisfy(i -> assertThat(i.get("tenant").asText()).isEqualTo(LOST_TENANT));
              assertThat(items)
                  .extracting(
                      i ->
                          i.get("key").get("kind").asText()
                              + "/"
                              + i.get("key").get("name").asText())
                  .containsAll(
                      inNamespace.stream()
                          .map(t -> t.get("kind").asText() + "/" + t.get("name").asText())
                          .toList());
            });
  }

  private List<JsonNode> sentinels() {
    return StreamSupport.stream(http().get("/api/v1/sentinels").json().spliterator(), false)
        .toList();
  }

  private static boolean sameIdentity(JsonNode a, JsonNode b) {
    return a.get("apiVersion").asText().equals(b.get("apiVersion").asText())
        && a.get("kind").asText().equals(b.get("kind").asText())
        && a.path("namespace").asText().equals(b.path("namespace").asText())
        && a.get("name").asText().equals(b.get("name").asText());
  }

  private static String liveUid(KubernetesClient admin, JsonNode sentinel) {
    var resources =
        admin.genericKubernetesResources(
            sentinel.get("apiVersion").asText(), sentinel.get("kind").asText());
    String namespace = sentinel.path("namespace").asText();
    GenericKubernetesResource live =
        namespace.isEmpty()
            ? resources.withName(sentinel.get("name").asText()).get()
            : resources.inNamespace(namespace).withName(sentinel.get("name").asText()).get();
    return live == null ? null : live.getMetadata().getUid();
  }
}
