package io.stagingcanary.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.controlplane.ControlPlane;
import io.stagingcanary.controlplane.ControlPlaneBinaries;
import io.stagingcanary.controlplane.RealControlPlane;
import io.stagingcanary.gate.GateCommandAccess;
import io.stagingcanary.runs.JunitSchema;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
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
import org.w3c.dom.Document;

/**
 * The CI gate on the real control plane: the agent seeds a small set of tenants labelled like the
 * sandbox ones, and {@code kubectl delete namespace -l SELECTOR} runs under {@code gate} as the
 * "cleanup" tool, first with a wrong selector (exit 1, the paying tenant's namespace in the grouped
 * diff), then with the right one (exit 0). An ops-tool Job, its status driven through the API, is
 * bracketed and annotated without any CI call.
 */
@RealControlPlane
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DirtiesContext
class RealClusterGateIT {

  private static final String TOKEN = "real-cluster-gate-it-token";
  private static final Map<String, String> TENANTS =
      Map.of(
          "acme", "tier: pro\n  purchased: \"true\"",
          "globex", "tier: enterprise\n  purchased: \"true\"",
          "initech", "tier: starter\n  purchased: \"true\"",
          "umbrella", "tier: enterprise\n  purchased: \"true\"\n  suspended: \"true\"",
          "hooli", "tier: free\n  purchased: \"false\"");

  @TempDir static Path dataDir;
  static String set;
  static String opsNamespace;
  private static String previousKubeconfig;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws Exception {
    ControlPlane controlPlane = ControlPlane.shared();
    previousKubeconfig = System.getProperty(Config.KUBERNETES_KUBECONFIG_FILE);
    System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, controlPlane.kubeconfig().toString());
    set = "gate" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    opsNamespace = set + "-ops";
    Path fixtures = writeFixtures(dataDir.resolve("fixtures"));
    Path tokenFile = Files.writeString(dataDir.resolve("api-tokens"), TOKEN + "\n");
    registry.add("canary.data-dir", () -> dataDir.toString());
    registry.add("canary.cluster-name", () -> "real-control-plane");
    registry.add("canary.fixtures.path", fixtures::toString);
    registry.add("canary.fixtures.sets", () -> set);
    registry.add("canary.runs.policies", () -> "../fixtures/policies");
    registry.add("canary.api.token-file", tokenFile::toString);
    registry.add("canary.runs.settle", () -> "3s");
    registry.add("canary.runs.watch-namespaces", () -> opsNamespace);
    registry.add("canary.runs.job-poll-interval", () -> "500ms");
  }

  static Path writeFixtures(Path root) throws Exception {
    Path dir = Files.createDirectories(root.resolve(set));
    Files.writeString(
        dir.resolve("set.yaml"),
        """
        name: %s
        description: Tenants of the CI gate integration test.
        kinds:
          - {apiVersion: v1, kind: Namespace}
          - {apiVersion: v1, kind: ConfigMap}
          - {apiVersion: v1, kind: PersistentVolumeClaim}
        """
            .formatted(set));
    for (var tenant : TENANTS.entrySet()) {
      Path t = Files.createDirectories(dir.resolve(tenant.getKey()));
      String ns = set + "-" + tenant.getKey();
      Files.writeString(t.resolve("tenant.yaml"), "labels:\n  " + tenant.getValue() + "\n");
      Files.writeString(
          t.resolve("objects.yaml"),
          """
          apiVersion: v1
          kind: Namespace
          metadata:
            name: %1$s
          ---
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: settings
            namespace: %1$s
          data:
            tenant: %2$s
          ---
          apiVersion: v1
          kind: PersistentVolumeClaim
          metadata:
            name: data
            namespace: %1$s
          spec:
            accessModes: [ReadWriteOnce]
            resources:
              requests:
                storage: 1Mi
          """
              .formatted(ns, tenant.getKey()));
    }
    return root;
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

  record Gate(int exit, String out, String err) {}

  Gate gate(String selector, Path junit, ControlPlane controlPlane) throws Exception {
    Path tokenFile = Files.writeString(dataDir.resolve("token"), TOKEN);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server",
                "http://127.0.0.1:" + port,
                "--token-file",
                tokenFile.toString(),
                "--tool",
                "cleanup-unpaid",
                "--tool-version",
                "5.0.1",
                "--junit",
                junit.toString(),
                "--",
                ControlPlaneBinaries.locate().path("kubectl").toString(),
                "--kubeconfig=" + controlPlane.kubeconfig(),
                "delete",
                "namespace",
                "-l",
                "stagingcanary.io/set=" + set + "," + selector,
                "--wait=false"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        GateCommandAccess.execute(
            args.toArray(String[]::new),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Gate(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  void awaitHealthy() {
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                new AgentHttp(port)
                    .get("/api/v1/status")
                    .json()
                    .get("state")
                    .asText()
                    .equals("HEALTHY"));
  }

  @Test
  @Order(1)
  void aWrongSelectorExitsOneWithThePayingTenantInTheGroupedDiff(ControlPlane controlPlane)
      throws Exception {
    awaitHealthy();
    Path junit = dataDir.resolve("wrong.xml");
    Gate gate = gate("tier in (free,starter)", junit, controlPlane);

    assertThat(gate.exit()).as(gate.out() + gate.err()).isEqualTo(1);
    assertThat(gate.out())
        .contains("Verdict FAIL for cleanup-unpaid 5.0.1")
        .contains("tenant initech (set " + set + ")")
        .contains("Namespace " + set + "-initech")
        .contains("  - OUTSIDE_BLAST_RADIUS: tenant initech {")
        .contains("      MISSING  PersistentVolumeClaim " + set + "-initech/data\n")
        .doesNotContain("tenant hooli {");
    Document xml = JunitSchema.validate(Files.readString(junit));
    int violations =
        new AgentHttp(port)
            .get("/api/v1/runs?tool=cleanup-unpaid&verdict=FAIL")
            .json()
            .get(0)
            .get("violationCount")
            .asInt();
    assertThat(xml.getElementsByTagName("failure").getLength()).isEqualTo(violations);
    assertThat(violations).isGreaterThanOrEqualTo(3);
    awaitHealthy();
  }

  @Test
  @Order(2)
  void theRightSelectorExitsZero(ControlPlane controlPlane) throws Exception {
    awaitHealthy();
    Path junit = dataDir.resolve("right.xml");
    Gate gate = gate("purchased=false", junit, controlPlane);

    assertThat(gate.exit()).as(gate.out() + gate.err()).isZero();
    assertThat(gate.out()).contains("Verdict PASS").contains("tenant hooli");
    assertThat(
            JunitSchema.validate(Files.readString(junit))
                .getElementsByTagName("failure")
                .getLength())
        .isZero();
    awaitHealthy();
  }

  @Test
  @Order(3)
  void anOpsToolJobProducesAStoredRunWithAVerdictWithoutAnyCiCall(KubernetesClient admin) {
    awaitHealthy();
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(opsNamespace).endMetadata().build())
        .create();
    Job job =
        admin
            .batch()
            .v1()
            .jobs()
            .inNamespace(opsNamespace)
            .resource(
                new JobBuilder()
                    .withNewMetadata()
                    .withName("cleanup-unpaid-manual")
                    .addToLabels("stagingcanary.io/ops-tool", "cleanup-unpaid")
                    .endMetadata()
                    .withNewSpec()
                    .withManagedBy("example.com/ops-runner")
                    .withNewTemplate()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("tool")
                    .withImage("registry.example/cleanup-unpaid:5.1.0")
                    .endContainer()
                    .withRestartPolicy("Never")
                    .endSpec()
                    .endTemplate()
                    .endSpec()
                    .build())
            .create();
    String started = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    setStatus(admin, job, new JobStatusBuilder().withStartTime(started).withActive(1).build());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> annotation(admin, job, "stagingcanary.io/run-id") != null);

    admin.namespaces().withName(set + "-hooli").delete();
    String done = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.SECONDS).toString();
    setStatus(
        admin,
        job,
        new JobStatusBuilder()
            .withStartTime(started)
            .withActive(0)
            .withReady(0)
            .withTerminating(0)
            .withSucceeded(1)
            .withCompletionTime(done)
            .addNewCondition()
            .withType("SuccessCriteriaMet")
            .withStatus("True")
            .endCondition()
            .addNewCondition()
            .withType("Complete")
            .withStatus("True")
            .endCondition()
            .build());

    await()
        .atMost(Duration.ofSeconds(150))
        .until(() -> annotation(admin, job, "stagingcanary.io/verdict") != null);
    String runId = annotation(admin, job, "stagingcanary.io/run-id");
    var run = new AgentHttp(port).get("/api/v1/runs/" + runId).json();
    assertThat(run.get("source").asText()).isEqualTo("job");
    assertThat(run.get("version").asText()).isEqualTo("5.1.0");
    assertThat(run.get("verdict").asText())
        .isEqualTo(annotation(admin, job, "stagingcanary.io/verdict"))
        .isEqualTo("PASS");
    awaitHealthy();
  }

  private static void setStatus(KubernetesClient admin, Job job, JobStatus status) {
    Job live =
        admin
            .batch()
            .v1()
            .jobs()
            .inNamespace(opsNamespace)
            .withName(job.getMetadata().getName())
            .get();
    live.setStatus(status);
    admin.batch().v1().jobs().inNamespace(opsNamespace).resource(live).updateStatus();
  }

  private static String annotation(KubernetesClient admin, Job job, String key) {
    Job live =
        admin
            .batch()
            .v1()
            .jobs()
            .inNamespace(opsNamespace)
            .withName(job.getMetadata().getName())
            .get();
    Map<String, String> annotations = live.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }
}
