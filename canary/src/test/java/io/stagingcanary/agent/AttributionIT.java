package io.stagingcanary.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.controlplane.ControlPlane;
import io.stagingcanary.controlplane.ExecResult;
import io.stagingcanary.controlplane.RealControlPlane;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Attribution on the real control plane: the API server calls the agent's admission observer over
 * TLS (a ValidatingWebhookConfiguration created through the client, its CA generated here), and
 * incidents name who made the change: {@code kubectl --as alice delete ns} gives one incident whose
 * every item names alice (the contents via the namespace deletion), a stripped sentinel label names
 * bob, with nothing listening a sentinel delete still completes at once (failurePolicy Ignore), and
 * a gated run's report flags the change a user other than the tool's identity made.
 */
@RealControlPlane
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DirtiesContext
class AttributionIT {

  private static final String TOKEN = "attribution-it-token";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String WEBHOOK = "staging-canary-attribution-it";

  @TempDir static Path dataDir;
  static DetectionFixtures fixtures;
  static WebhookTls tls;
  static int admissionPort;
  private static String previousKubeconfig;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws Exception {
    ControlPlane controlPlane = ControlPlane.shared();
    previousKubeconfig = System.getProperty(Config.KUBERNETES_KUBECONFIG_FILE);
    System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, controlPlane.kubeconfig().toString());
    fixtures =
        DetectionFixtures.write(
            dataDir,
            "att",
            Map.of(
                "alpha",
                List.of("settings", "extra", "more"),
                "bravo",
                List.of("settings"),
                "charlie",
                List.of("settings", "extra")));
    tls = WebhookTls.generate(dataDir.resolve("tls"));
    admissionPort = freePort();
    Path tokenFile = Files.writeString(dataDir.resolve("api-tokens"), TOKEN + "\n");
    registry.add("canary.data-dir", () -> dataDir.resolve("data").toString());
    registry.add("canary.cluster-name", () -> "attribution-it");
    registry.add("canary.fixtures.path", () -> fixtures.root.toString());
    registry.add("canary.fixtures.sets", () -> fixtures.set);
    registry.add("canary.api.token-file", tokenFile::toString);
    registry.add("canary.reseed.mode", () -> "manual");
    registry.add("canary.attribution.admission.enabled", () -> "true");
    registry.add("canary.attribution.admission.port", () -> Integer.toString(admissionPort));
    registry.add("canary.attribution.admission.tls.certificate", tls.certificate::toString);
    registry.add("canary.attribution.admission.tls.private-key", tls.privateKey::toString);
    // This control plane's kube-controller-manager uses the admin kubeconfig: its namespace
    // controller and garbage collector act as the admin user.
    registry.add(
        "canary.attribution.controller-usernames",
        () ->
            "system:serviceaccount:kube-system:namespace-controller,"
                + "system:serviceaccount:kube-system:generic-garbage-collector,"
                + ControlPlane.ADMIN_USER);
  }

  @AfterAll
  static void cleanUp() {
    ControlPlane.shared()
        .client()
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .withName(WEBHOOK)
        .delete();
    if (previousKubeconfig == null) {
      System.clearProperty(Config.KUBERNETES_KUBECONFIG_FILE);
    } else {
      System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, previousKubeconfig);
    }
  }

  @LocalServerPort int port;

  @Test
  @Order(1)
  void theApiServerCallsTheObserverOverTls(KubernetesClient admin) throws IOException {
    assertThat(http().get("/api/v1/status").json().get("state").asText()).isEqualTo("HEALTHY");
    admin
        .resource(webhook("https://127.0.0.1:" + admissionPort + "/admission/v1/observe"))
        .create();

    // The observer is plain HTTPS on its own port only: the main port does not serve it.
    assertThat(http().postJson("/admission/v1/observe", "{}", null).status()).isEqualTo(404);
    // A webhook configuration takes effect within a second or two: wait until a dry-run delete
    // of a sentinel (recorded, never matched) reaches the observer.
    await("the API server calls the observer")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              admin
                  .configMaps()
                  .inNamespace(fixtures.namespace("bravo"))
                  .withName("settings")
                  .dryRun()
                  .delete();
              return observed() > 0;
            });
  }

  @Test
  @Order(2)
  void aNamespaceDeletedAsAliceIsOneIncidentWhoseEveryItemNamesAlice(ControlPlane controlPlane) {
    String namespace = fixtures.namespace("alpha");
    ExecResult delete =
        controlPlane.kubectl(
            "--as=alice",
            "--as-group=system:masters",
            "delete",
            "namespace",
            namespace,
            "--wait=true",
            "--timeout=120s");
    assertThat(delete.exitCode()).as(delete.toString()).isZero();

    await("one sealed incident names alice for every item of " + namespace)
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              List<JsonNode> incidents =
                  incidents().stream().filter(i -> mentions(i, namespace)).toList();
              assertThat(incidents).hasSize(1);
              JsonNode incident = incidents.get(0);
              assertThat(incident.get("status").asText()).isEqualTo("open");
              List<JsonNode> items = items(incident);
              assertThat(items).hasSize(fixtures.sentinels("alpha"));
              assertThat(items)
                  .allSatisfy(
                      i ->
                          assertThat(i.path("actor").path("username").asText())
                              .as("%s", i)
                              .isEqualTo("alice"));
              assertThat(items)
                  .filteredOn(i -> !i.get("key").get("kind").asText().equals("Namespace"))
                  .allSatisfy(
                      i -> assertThat(i.path("cause").path("name").asText()).isEqualTo(namespace));
              assertThat(incident.get("attribution"))
                  .extracting(JsonNode::asText)
                  .containsExactly(
                      "by alice via the deletion of namespace "
                          + namespace
                          + " ("
                          + fixtures.sentinels("alpha")
                          + " objects)");
              assertThat(incident.get("attributionPending").asBoolean()).isFalse();
            });
    String id =
        incidents().stream()
            .filter(i -> mentions(i, namespace))
            .findFirst()
            .orElseThrow()
            .get("id")
            .asText();
    assertThat(http().get("/api/v1/incidents/" + id, "text/plain").body())
        .contains("Attribution:\n  by alice via the deletion of namespace " + namespace);
  }

  @Test
  @Order(3)
  void aSentinelLabelStrippedAsBobNamesBob(ControlPlane controlPlane) {
    String namespace = fixtures.namespace("bravo");
    ExecResult label =
        controlPlane.kubectl(
            "--as=bob",
            "--as-group=system:masters",
            "label",
            "configmap",
            "settings",
            "-n",
            namespace,
            "stagingcanary.io/sentinel-");
    assertThat(label.exitCode()).as(label.toString()).isZero();

    await("the incident names bob")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              JsonNode incident =
                  incidents().stream()
                      .filter(i -> mentions(i, namespace))
                      .findFirst()
                      .orElseThrow();
              assertThat(incident.get("status").asText()).isEqualTo("open");
              assertThat(items(incident))
                  .anySatisfy(
                      i -> {
                        assertThat(i.get("key").get("name").asText()).isEqualTo("settings");
                        assertThat(i.path("actor").path("username").asText()).isEqualTo("bob");
                        assertThat(i.path("actor").path("verb").asText()).isEqualTo("update");
                        assertThat(i.path("actor").path("source").asText()).isEqualTo("admission");
                      });
            });
  }

  @Test
  @Order(4)
  void withTheObserverDownASentinelDeleteStillCompletesWithinTwoSeconds(
      ControlPlane controlPlane, KubernetesClient admin) throws IOException {
    int nothingListens = freePort();
    admin
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .withName(WEBHOOK)
        .edit(
            w -> {
              w.getWebhooks()
                  .get(0)
                  .getClientConfig()
                  .setUrl("https://127.0.0.1:" + nothingListens + "/admission/v1/observe");
              return w;
            });
    String namespace = fixtures.namespace("bravo");
    long started = System.nanoTime();
    ExecResult secret =
        controlPlane.kubectl("delete", "secret", "-n", namespace, "--all", "--wait=true");
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(secret.exitCode()).as(secret.toString()).isZero();
    assertThat(secret.stdout()).contains("deleted");
    assertThat(took).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  @Order(5)
  void aRunsReportFlagsTheChangeSomeoneOtherThanTheToolMade(
      ControlPlane controlPlane, KubernetesClient admin) {
    String tool = "system:serviceaccount:ops:prune-users";
    String namespace = fixtures.namespace("charlie");
    admin
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .withName(WEBHOOK)
        .edit(
            w -> {
              w.getWebhooks()
                  .get(0)
                  .getClientConfig()
                  .setUrl("https://127.0.0.1:" + admissionPort + "/admission/v1/observe");
              return w;
            });
    long before = observed();
    await("the API server calls the observer again")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              admin.configMaps().inNamespace(namespace).withName("settings").dryRun().delete();
              return observed() > before;
            });
    AgentHttp.Response begun =
        http()
            .postJson(
                "/api/v1/runs",
                "{\"tool\":\"prune-users\",\"version\":\"1.0.0\",\"identity\":\""
                    + tool
                    + "\",\"allowUnhealthyBaseline\":true}",
                TOKEN);
    assertThat(begun.status()).as(begun.body()).isEqualTo(201);
    assertThat(begun.json().get("identity").asText()).isEqualTo(tool);
    String run = begun.json().get("id").asText();

    ExecResult byTool =
        controlPlane.kubectl(
            "--as=" + tool,
            "--as-group=system:masters",
            "delete",
            "configmap",
            "extra",
            "-n",
            namespace);
    assertThat(byTool.exitCode()).as(byTool.toString()).isZero();
    ExecResult byCarol =
        controlPlane.kubectl(
            "--as=carol",
            "--as-group=system:masters",
            "delete",
            "configmap",
            "settings",
            "-n",
            namespace);
    assertThat(byCarol.exitCode()).as(byCarol.toString()).isZero();
    AgentHttp.Response completed =
        http().postJson("/api/v1/runs/" + run + "/complete", "{\"settle\":\"2s\"}", TOKEN);
    assertThat(completed.status()).as(completed.body()).isEqualTo(200);

    JsonNode result = completed.json();
    assertThat(result.get("foreignChanges")).hasSize(1);
    assertThat(result.get("foreignChanges").get(0).get("username").asText()).isEqualTo("carol");
    String text = http().get("/api/v1/runs/" + run + "/report?format=text", "text/plain").body();
    assertThat(text)
        .contains(
            "ConfigMap "
                + namespace
                + "/settings: changed by carol, not by the tool ("
                + tool
                + ")")
        .doesNotContain("/extra: changed by");
    assertThat(http().get("/api/v1/runs/" + run + "/report?format=junit", "application/xml").body())
        .contains("<property name=\"foreignChanges\" value=\"1\"/>");

    // The run PASSed (no policy) and ended before any incident sealed: its deletion still names it.
    await("the tool's deletion names the run and the tool's user")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              JsonNode extra = incidentItem(namespace, "extra");
              assertThat(extra.path("actor").path("username").asText()).isEqualTo(tool);
              assertThat(extra.path("run").asText()).as("%s", extra).startsWith(run + " (");
              assertThat(
                      incidentItem(namespace, "settings").path("actor").path("username").asText())
                  .isEqualTo("carol");
            });
  }

  private long observed() {
    return StreamSupport.stream(
            http().get("/actuator/prometheus", "text/plain").body().lines().spliterator(), false)
        .filter(l -> l.startsWith("canary_attribution_observer_requests_seconds_count"))
        .filter(l -> l.contains("source=\"admission\""))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private String webhook(String url) throws IOException {
    return """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingWebhookConfiguration
        metadata:
          name: %s
        webhooks:
          - name: observe.stagingcanary.io
            admissionReviewVersions: [v1]
            clientConfig:
              url: %s
              caBundle: %s
            rules:
              - operations: [DELETE, UPDATE]
                apiGroups: ["*"]
                apiVersions: ["*"]
                resources: ["*"]
                scope: "*"
            objectSelector:
              matchLabels:
                stagingcanary.io/sentinel: "true"
            failurePolicy: Ignore
            sideEffects: NoneOnDryRun
            timeoutSeconds: 2
        """
        .formatted(WEBHOOK, url, tls.caBundle());
  }

  /** The item of any incident about the namespaced object. */
  private JsonNode incidentItem(String namespace, String name) {
    return incidents().stream()
        .flatMap(i -> items(i).stream())
        .filter(i -> namespace.equals(i.get("key").path("namespace").asText()))
        .filter(i -> name.equals(i.get("key").get("name").asText()))
        .findFirst()
        .orElseThrow();
  }

  private static boolean mentions(JsonNode incident, String namespace) {
    return items(incident).stream()
        .anyMatch(
            i ->
                namespace.equals(i.get("key").path("namespace").asText())
                    || namespace.equals(i.get("key").get("name").asText()));
  }

  private static List<JsonNode> items(JsonNode incident) {
    return StreamSupport.stream(incident.get("items").spliterator(), false).toList();
  }

  private List<JsonNode> incidents() {
    return StreamSupport.stream(http().get("/api/v1/incidents").json().spliterator(), false)
        .toList();
  }

  private AgentHttp http() {
    return new AgentHttp(port);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
