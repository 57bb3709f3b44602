package io.stagingcanary.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.controlplane.ControlPlane;
import io.stagingcanary.controlplane.ExecResult;
import io.stagingcanary.controlplane.RealControlPlane;
import io.stagingcanary.fixtures.FixtureLoader;
import io.stagingcanary.fixtures.SentinelSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every {@code deploy/} kustomization renders with the control plane's {@code kubectl kustomize};
 * the base is applied to the real API server and every overlay passes a server-side dry run (with
 * the OpenShift and Prometheus-operator CRDs installed). The rendered objects keep the promises of
 * docs/deploy.md: least privilege, two hardened replicas with probes, one replica on H2.
 */
@RealControlPlane
class DeployManifestsIT {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @BeforeAll
  static void installCrds(ControlPlane controlPlane) {
    controlPlane.installCrdsFromClasspath("crds/openshift");
    controlPlane.installCrdsFromClasspath("crds/prometheus-operator");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "base",
        "postgres",
        "single-replica",
        "openshift",
        "prometheus-operator",
        "network-policy",
        "attribution"
      })
  void rendersWithNoWildcardInAnyRole(String name, ControlPlane controlPlane) {
    RenderedManifests rendered = RenderedManifests.render(controlPlane, name);

    assertThat(rendered.kinds())
        .contains("Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding")
        .contains("Deployment", "Service", "ConfigMap");
    for (String kind : List.of("ClusterRole", "Role")) {
      for (JsonNode role : rendered.ofKind(kind)) {
        for (JsonNode rule : role.path("rules")) {
          for (String field : List.of("apiGroups", "resources", "verbs")) {
            assertThat(strings(rule.path(field)))
                .as("%s %s %s of %s", name, kind, field, rule)
                .isNotEmpty()
                .doesNotContain("*");
          }
        }
      }
    }
    JsonNode deployment = rendered.one("Deployment");
    assertThat(deployment.at("/metadata/namespace").asText()).isEqualTo("staging-canary");
    assertThat(deployment.at("/spec/template/spec/containers/0/image").asText())
        .as("the image of this version, never latest")
        .isEqualTo("ghcr.io/staging-canary/staging-canary:" + DockerfileTest.projectVersion());
    assertThat(deployment.at("/spec/template/spec/serviceAccountName").asText())
        .isEqualTo("staging-canary");
  }

  @Test
  void theBaseRunsTwoHardenedReplicasWithProbesAndLimits(ControlPlane controlPlane) {
    RenderedManifests base = RenderedManifests.render(controlPlane, "base");
    JsonNode deployment = base.one("Deployment");
    JsonNode pod = deployment.at("/spec/template/spec");
    JsonNode container = pod.at("/containers/0");

    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(strings(container.at("/securityContext/capabilities/drop"))).containsExactly("ALL");
    assertThat(container.at("/readinessProbe/httpGet/path").asText())
        .isEqualTo("/actuator/health/readiness");
    assertThat(container.at("/livenessProbe/httpGet/path").asText())
        .isEqualTo("/actuator/health/liveness");
    for (String field : List.of("/resources/requests/cpu", "/resources/requests/memory")) {
      assertThat(container.at(field).asText()).as(field).isNotEmpty();
    }
    assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();
    assertThat(mountPath(container, volumeOf(pod, "emptyDir"))).isEqualTo("/tmp");
    assertThat(env(container, "POD_NAME").at("/valueFrom/fieldRef/fieldPath").asText())
        .isEqualTo("metadata.name");
    assertThat(
            env(container, "SPRING_DATASOURCE_PASSWORD")
                .at("/valueFrom/secretKeyRef/name")
                .asText())
        .isEqualTo("staging-canary-database");
    assertThat(pod.at("/volumes").findValuesAsText("secretName")).contains("staging-canary-api");
    assertThat(base.one("PodDisruptionBudget").at("/spec/minAvailable").asInt()).isEqualTo(1);
    assertThat(base.one("Service").at("/spec/ports/0/port").asInt()).isEqualTo(8080);
    assertThat(base.one("Role").at("/rules/0/resources/0").asText()).isEqualTo("leases");

    JsonNode config = configFile(base, "application.yaml");
    assertThat(config.at("/canary/leader-election/enabled").asBoolean()).isTrue();
    assertThat(config.at("/canary/fixtures/path").asText())
        .isEqualTo(mountPath(container, "fixtures"));
  }

  @Test
  void theFixtureConfigMapMountsAsAValidSentinelSet(ControlPlane controlPlane, @TempDir Path dir)
      throws Exception {
    RenderedManifests base = RenderedManifests.render(controlPlane, "base");
    JsonNode pod = base.one("Deployment").at("/spec/template/spec");
    JsonNode volume =
        StreamSupport.stream(pod.path("volumes").spliterator(), false)
            .filter(v -> v.path("name").asText().equals("fixtures"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no fixtures volume"));
    JsonNode configMap =
        base.ofKind("ConfigMap").stream()
            .filter(
                c -> c.at("/metadata/name").asText().equals(volume.at("/configMap/name").asText()))
            .findFirst()
            .orElseThrow();
    Set<String> mapped = new HashSet<>();
    for (JsonNode item : volume.at("/configMap/items")) {
      String key = item.path("key").asText();
      mapped.add(key);
      assertThat(configMap.path("data").has(key)).as("key %s in the ConfigMap", key).isTrue();
      Path file = dir.resolve(item.path("path").asText());
      Files.createDirectories(file.getParent());
      Files.writeString(file, configMap.path("data").path(key).asText());
    }
    assertThat(mapped)
        .as("every fixture file is mounted")
        .containsExactlyInAnyOrderElementsOf(iterable(configMap.path("data").fieldNames()));

    List<SentinelSet> sets = new FixtureLoader().load(dir, List.of("staging"));

    assertThat(sets).hasSize(1);
    assertThat(sets.get(0).sentinels()).hasSizeGreaterThanOrEqualTo(16);
  }

  @Test
  void singleReplicaRunsOneReplicaOnH2WithoutLeaderElection(ControlPlane controlPlane) {
    RenderedManifests single = RenderedManifests.render(controlPlane, "single-replica");
    JsonNode deployment = single.one("Deployment");
    JsonNode container = deployment.at("/spec/template/spec/containers/0");

    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("Recreate");
    assertThat(single.kinds()).doesNotContain("PodDisruptionBudget", "Role", "RoleBinding");
    assertThat(names(container.path("env"))).doesNotContain("SPRING_DATASOURCE_PASSWORD");
    assertThat(env(container, "SPRING_PROFILES_ACTIVE").path("value").asText())
        .isEqualTo("single-replica");
    JsonNode profile = configFile(single, "application-single-replica.yaml");
    assertThat(profile.at("/canary/leader-election/enabled").asBoolean(true)).isFalse();
    assertThat(mountPath(container, "data"))
        .isEqualTo(profile.at("/canary/data-dir").asText())
        .isEqualTo("/var/lib/staging-canary");
    assertThat(single.one("PersistentVolumeClaim").at("/metadata/name").asText())
        .isEqualTo("staging-canary-data");
  }

  @Test
  void postgresRunsTwoReplicasOnASharedDatabaseWithLeaderElection(ControlPlane controlPlane) {
    RenderedManifests postgres = RenderedManifests.render(controlPlane, "postgres");
    JsonNode container = postgres.one("Deployment").at("/spec/template/spec/containers/0");

    assertThat(postgres.one("Deployment").at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(env(container, "SPRING_PROFILES_ACTIVE").path("value").asText())
        .isEqualTo("postgres");
    JsonNode profile = configFile(postgres, "application-postgres.yaml");
    assertThat(profile.at("/spring/datasource/url").asText()).startsWith("jdbc:postgresql://");
    assertThat(profile.at("/canary/leader-election/enabled").asBoolean()).isTrue();
  }

  @Test
  void openshiftAddsItsKindsARouteAndLeavesTheUidToTheScc(ControlPlane controlPlane) {
    RenderedManifests openshift = RenderedManifests.render(controlPlane, "openshift");
    JsonNode podSecurity = openshift.one("Deployment").at("/spec/template/spec/securityContext");

    assertThat(podSecurity.has("runAsUser")).isFalse();
    assertThat(podSecurity.has("runAsGroup")).isFalse();
    assertThat(podSecurity.has("fsGroup")).isFalse();
    assertThat(podSecurity.at("/runAsNonRoot").asBoolean()).isTrue();
    assertThat(openshift.one("Route").at("/spec/to/name").asText()).isEqualTo("staging-canary");
    List<String> groups = new ArrayList<>();
    for (JsonNode rule : openshift.one("ClusterRole").path("rules")) {
      groups.addAll(strings(rule.path("apiGroups")));
    }
    assertThat(groups)
        .contains(
            "user.openshift.io",
            "project.openshift.io",
            "apps.openshift.io",
            "build.openshift.io",
            "image.openshift.io",
            "route.openshift.io");
  }

  @Test
  void prometheusOperatorAddsAServiceMonitorAndTheExistingRule(ControlPlane controlPlane)
      throws Exception {
    RenderedManifests operator = RenderedManifests.render(controlPlane, "prometheus-operator");
    JsonNode monitor = operator.one("ServiceMonitor");

    assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/actuator/prometheus");
    assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo("http");
    JsonNode rule = operator.one("PrometheusRule");
    JsonNode source =
        YAML.readTree(RenderedManifests.DEPLOY.resolve("prometheus/prometheusrule.yaml").toFile());
    assertThat(rule.path("spec")).isEqualTo(source.path("spec"));
  }

  @Test
  void theAttributionComponentObservesOnlySentinelsAndNeverBlocksAnyone(
      ControlPlane controlPlane, KubernetesClient admin) throws Exception {
    RenderedManifests overlay = RenderedManifests.render(controlPlane, "attribution");
    JsonNode configuration = overlay.one("ValidatingWebhookConfiguration");
    JsonNode webhook = configuration.at("/webhooks/0");

    assertThat(configuration.at("/metadata/annotations/cert-manager.io~1inject-ca-from").asText())
        .isEqualTo("staging-canary/staging-canary-admission");
    assertThat(webhook.at("/failurePolicy").asText()).isEqualTo("Ignore");
    assertThat(webhook.at("/sideEffects").asText()).isEqualTo("NoneOnDryRun");
    assertThat(webhook.at("/timeoutSeconds").asInt()).isBetween(1, 2);
    assertThat(webhook.at("/objectSelector/matchLabels/stagingcanary.io~1sentinel").asText())
        .isEqualTo("true");
    assertThat(strings(webhook.at("/rules/0/operations"))).containsExactly("DELETE", "UPDATE");
    assertThat(webhook.at("/clientConfig/service/path").asText())
        .isEqualTo("/admission/v1/observe");
    String service = webhook.at("/clientConfig/service/name").asText();
    JsonNode admissionService =
        overlay.ofKind("Service").stream()
            .filter(s -> s.at("/metadata/name").asText().equals(service))
            .findFirst()
            .orElseThrow();
    assertThat(admissionService.at("/metadata/namespace").asText()).isEqualTo("staging-canary");
    assertThat(admissionService.at("/spec/ports/0/targetPort").asText()).isEqualTo("admission");

    JsonNode agent = overlay.one("Deployment").at("/spec/template/spec/containers/0");
    assertThat(agent.at("/ports").findValuesAsText("name")).contains("admission");
    assertThat(agent.at("/env").findValuesAsText("name"))
        .contains(
            "CANARY_ATTRIBUTION_ADMISSION_ENABLED",
            "CANARY_ATTRIBUTION_ADMISSION_TLS_CERTIFICATE",
            "CANARY_ATTRIBUTION_ADMISSION_TLS_PRIVATE_KEY");
    JsonNode certificate = overlay.one("Certificate");
    assertThat(strings(certificate.at("/spec/dnsNames")))
        .contains("staging-canary-admission.staging-canary.svc");
    assertThat(overlay.one("Deployment").at("/spec/template/spec/volumes").toString())
        .contains(certificate.at("/spec/secretName").asText());

    // The API server accepts the webhook configuration as rendered (server-side dry run).
    admin.resource(YAML.writeValueAsString(configuration)).dryRun().create();
  }

  @Test
  void theNetworkPolicyAdmitsOnlyPrometheusAndTheApiServerAndLetsOutOnlyWhatTheAgentCalls(
      ControlPlane controlPlane) {
    RenderedManifests overlay = RenderedManifests.render(controlPlane, "network-policy");
    JsonNode policy = overlay.one("NetworkPolicy");
    JsonNode pod = overlay.one("Deployment").at("/spec/template");

    assertThat(policy.at("/metadata/namespace").asText()).isEqualTo("staging-canary");
    assertThat(strings(policy.at("/spec/policyTypes"))).containsExactly("Ingress", "Egress");
    policy
        .at("/spec/podSelector/matchLabels")
        .properties()
        .forEach(
            label ->
                assertThat(pod.at("/metadata/labels").path(label.getKey()).asText())
                    .as("the policy selects the agent's pods by %s", label.getKey())
                    .isEqualTo(label.getValue().asText()));
    assertThat(policy.at("/spec/podSelector/matchLabels").size()).isPositive();

    // Ingress: two peers (Prometheus pods, the API server's address), only to port http.
    JsonNode ingress = policy.at("/spec/ingress");
    assertThat(ingress).hasSize(2);
    for (JsonNode rule : ingress) {
      assertThat(rule.path("from")).as("every ingress rule names its peers").isNotEmpty();
      assertThat(rule.path("ports").findValuesAsText("port")).containsExactly("http");
    }
    assertThat(
            ingress.get(0).at("/from/0/podSelector/matchLabels/app.kubernetes.io~1name").asText())
        .isEqualTo("prometheus");
    assertThat(ingress.get(1).at("/from/0/ipBlock/cidr").asText()).endsWith("/32");
    assertThat(pod.at("/spec/containers/0/ports/0/name").asText()).isEqualTo("http");

    // Egress: the API server, DNS, the database, the alert receivers; every rule names its ports.
    JsonNode egress = policy.at("/spec/egress");
    for (JsonNode rule : egress) {
      assertThat(rule.path("to")).as("every egress rule names its peers").isNotEmpty();
      assertThat(rule.path("ports")).as("every egress rule names its ports").isNotEmpty();
    }
    List<String> ports = egress.findValuesAsText("port");
    assertThat(ports).contains("443", "6443", "53", "5432", "9093");
    assertThat(egress.findValues("k8s-app")).extracting(JsonNode::asText).contains("kube-dns");
    JsonNode anywhere = egress.get(egress.size() - 1);
    assertThat(anywhere.at("/to/0/ipBlock/cidr").asText()).isEqualTo("0.0.0.0/0");
    assertThat(strings(anywhere.at("/to/0/ipBlock/except")))
        .contains("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16");
    assertThat(anywhere.path("ports").findValuesAsText("port")).containsExactly("443");
  }

  @Test
  void theBaseAppliesAndEveryOverlayPassesAServerSideDryRun(
      ControlPlane controlPlane, KubernetesClient admin) {
    RenderedManifests.applyBase(controlPlane);

    assertThat(
            admin
                .serviceAccounts()
                .inNamespace(RenderedManifests.NAMESPACE)
                .withName(RenderedManifests.SERVICE_ACCOUNT)
                .get())
        .isNotNull();
    assertThat(admin.rbac().clusterRoles().withName("staging-canary").get()).isNotNull();
    assertThat(
            admin
                .apps()
                .deployments()
                .inNamespace("staging-canary")
                .withName("staging-canary")
                .get())
        .isNotNull();
    // Each overlay as a fresh install: a stored RollingUpdate Deployment cannot be applied over
    // with Recreate (single-replica), as docs/deploy.md says.
    ExecResult deleted =
        controlPlane.kubectl(
            "-n", "staging-canary", "delete", "deployment", "staging-canary", "--wait=true");
    assertThat(deleted.succeeded()).as(deleted.toString()).isTrue();
    try {
      for (String overlay : RenderedManifests.OVERLAYS) {
        ExecResult dryRun =
            RenderedManifests.render(controlPlane, overlay).apply(controlPlane, true);
        assertThat(dryRun.succeeded()).as("%s: %s", overlay, dryRun).isTrue();
      }
    } finally {
      RenderedManifests.applyBase(controlPlane);
    }
  }

  // ----

  private static JsonNode configFile(RenderedManifests rendered, String file) {
    for (JsonNode configMap : rendered.ofKind("ConfigMap")) {
      if (configMap.path("data").has(file)) {
        try {
          return YAML.readTree(configMap.path("data").path(file).asText());
        } catch (Exception e) {
          throw new AssertionError(file + " is not YAML", e);
        }
      }
    }
    throw new AssertionError(rendered.name + ": no ConfigMap holds " + file);
  }

  private static String volumeOf(JsonNode pod, String type) {
    for (JsonNode volume : pod.path("volumes")) {
      if (volume.has(type)) {
        return volume.path("name").asText();
      }
    }
    throw new AssertionError("no " + type + " volume");
  }

  private static String mountPath(JsonNode container, String volume) {
    for (JsonNode mount : container.path("volumeMounts")) {
      if (mount.path("name").asText().equals(volume)) {
        return mount.path("mountPath").asText();
      }
    }
    throw new AssertionError("volume " + volume + " is not mounted");
  }

  private static JsonNode env(JsonNode container, String name) {
    for (JsonNode env : container.path("env")) {
      if (env.path("name").asText().equals(name)) {
        return env;
      }
    }
    throw new AssertionError("no env " + name);
  }

  private static List<String> names(JsonNode list) {
    return StreamSupport.stream(list.spliterator(), false)
        .map(n -> n.path("name").asText())
        .toList();
  }

  static List<String> strings(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  private static <T> List<T> iterable(java.util.Iterator<T> iterator) {
    List<T> list = new ArrayList<>();
    iterator.forEachRemaining(list::add);
    return list;
  }
}
