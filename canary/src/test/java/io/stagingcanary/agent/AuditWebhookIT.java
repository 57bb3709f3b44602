package io.stagingcanary.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.stagingcanary.controlplane.ControlPlane;
import io.stagingcanary.controlplane.ExecResult;
import io.stagingcanary.controlplane.RealControlPlane;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The audit webhook on the real control plane: kube-apiserver restarted with the audit policy of
 * docs/attribution.md and a webhook backend that posts batches to the agent with an API token; a
 * sentinel deleted as dave is attributed to dave from the audit event. The usual flags are restored
 * afterwards (the control plane is shared).
 */
@RealControlPlane
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@DirtiesContext
class AuditWebhookIT {

  private static final String TOKEN = "audit-webhook-it-token";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  /** The recommended policy of docs/attribution.md. */
  private static final String POLICY =
      """
      apiVersion: audit.k8s.io/v1
      kind: Policy
      omitStages: [RequestReceived]
      rules:
        - level: Metadata
          verbs: [delete, deletecollection, update, patch]
          resources:
            - group: ""
            - group: apps
            - group: rbac.authorization.k8s.io
        - level: None
      """;

  @TempDir static Path dataDir;
  static DetectionFixtures fixtures;
  static int port;
  static WebhookTls tls;
  private static String previousKubeconfig;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws Exception {
    ControlPlane controlPlane = ControlPlane.shared();
    previousKubeconfig = System.getProperty(Config.KUBERNETES_KUBECONFIG_FILE);
    System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, controlPlane.kubeconfig().toString());
    fixtures =
        DetectionFixtures.write(dataDir, "aud", Map.of("delta", List.of("settings", "extra")));
    port = freePort();
    tls = WebhookTls.generate(dataDir.resolve("tls"));
    Path tokenFile = Files.writeString(dataDir.resolve("api-tokens"), TOKEN + "\n");
    Path policy = Files.writeString(dataDir.resolve("audit-policy.yaml"), POLICY);
    Path webhook =
        Files.writeString(
            dataDir.resolve("audit-webhook.kubeconfig"),
            """
            apiVersion: v1
            kind: Config
            clusters:
              - name: staging-canary
                cluster:
                  server: https://127.0.0.1:%d/api/v1/audit/events
                  certificate-authority: %s
            users:
              - name: api-server
                user:
                  token: %s
            contexts:
              - name: default
                context: {cluster: staging-canary, user: api-server}
            current-context: default
            """
                .formatted(port, tls.caCertificate, TOKEN));
    controlPlane.restartApiServerWith(
        List.of(
            "--audit-policy-file=" + policy,
            "--audit-webhook-config-file=" + webhook,
            "--audit-webhook-mode=batch",
            "--audit-webhook-batch-max-wait=1s"));
    registry.add("server.port", () -> Integer.toString(port));
    registry.add("server.ssl.certificate", tls.certificate::toString);
    registry.add("server.ssl.certificate-private-key", tls.privateKey::toString);
    registry.add("canary.data-dir", () -> dataDir.resolve("data").toString());
    registry.add("canary.cluster-name", () -> "audit-webhook-it");
    registry.add("canary.fixtures.path", () -> fixtures.root.toString());
    registry.add("canary.fixtures.sets", () -> fixtures.set);
    registry.add("canary.api.token-file", tokenFile::toString);
    registry.add("canary.reseed.mode", () -> "manual");
    registry.add("canary.attribution.audit.enabled", () -> "true");
    registry.add(
        "canary.attribution.controller-usernames",
        () ->
            "system:serviceaccount:kube-system:namespace-controller,"
                + "system:serviceaccount:kube-system:generic-garbage-collector,"
                + ControlPlane.ADMIN_USER);
  }

  @AfterAll
  static void restoreTheApiServer() {
    ControlPlane.shared().restartApiServerWith(List.of());
    if (previousKubeconfig == null) {
      System.clearProperty(Config.KUBERNETES_KUBECONFIG_FILE);
    } else {
      System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, previousKubeconfig);
    }
  }

  @Test
  void aSentinelDeletedAsDaveNamesDaveFromTheAuditEvent(ControlPlane controlPlane) {
    await("the agent is healthy")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> "HEALTHY".equals(get("/api/v1/status").path("state").asText()));
    String namespace = fixtures.namespace("delta");

    ExecResult delete =
        controlPlane.kubectl(
            "--as=dave",
            "--as-group=system:masters",
            "delete",
            "configmap",
            "settings",
            "-n",
            namespace);
    assertThat(delete.exitCode()).as(delete.toString()).isZero();

    await("the incident names dave, from the audit webhook")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              JsonNode item =
                  incidents().stream()
                      .flatMap(i -> StreamSupport.stream(i.get("items").spliterator(), false))
                      .filter(i -> namespace.equals(i.get("key").path("namespace").asText()))
                      .filter(i -> "settings".equals(i.get("key").path("name").asText()))
                      .findFirst()
                      .orElseThrow();
              assertThat(item.path("actor").path("username").asText()).isEqualTo("dave");
              assertThat(item.path("actor").path("source").asText()).isEqualTo("audit");
              assertThat(item.path("actor").path("verb").asText()).isEqualTo("delete");
              assertThat(item.path("actor").path("userAgent").asText()).contains("kubectl");
            });
  }

  private List<JsonNode> incidents() throws Exception {
    return StreamSupport.stream(get("/api/v1/incidents").spliterator(), false).toList();
  }

  /** A GET over HTTPS, trusting the test CA. */
  private static JsonNode get(String path) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (var in = Files.newInputStream(tls.caCertificate)) {
      trust.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trusting =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trusting.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, trusting.getTrustManagers(), null);
    HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    return new ObjectMapper().readTree(response.body());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
