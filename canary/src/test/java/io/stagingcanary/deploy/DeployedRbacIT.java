package io.stagingcanary.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.stagingcanary.CanaryApplication;
import io.stagingcanary.controlplane.ControlPlane;
import io.stagingcanary.controlplane.RealControlPlane;
import io.stagingcanary.store.EmbeddedPostgresSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * The deployed RBAC is exactly {@link AgentCalls}: every call in the table is allowed for the
 * deployed ServiceAccount, the ClusterRole and Role grant nothing else, and the whole agent (leader
 * election on PostgreSQL, seeding the {@code staging} set of the deploy ConfigMap, informers, full
 * verification) runs as that ServiceAccount with a token from the TokenRequest API, without one 403
 * and without one call the table lacks (the API server's audit log is the witness).
 */
@RealControlPlane
class DeployedRbacIT {

  private static final String USER =
      "system:serviceaccount:"
          + RenderedManifests.NAMESPACE
          + ":"
          + RenderedManifests.SERVICE_ACCOUNT;
  private static final List<String> GROUPS =
      List.of(
          "system:serviceaccounts",
          "system:serviceaccounts:" + RenderedManifests.NAMESPACE,
          "system:authenticated");
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void applyTheBase(ControlPlane controlPlane) {
    RenderedManifests.applyBase(controlPlane);
  }

  @Test
  void everyCallTheAgentMakesIsGrantedToTheServiceAccount(KubernetesClient admin) {
    List<String> denied = new ArrayList<>();
    for (AgentCalls.Call call : AgentCalls.ALL) {
      if (call.overlay() != AgentCalls.Overlay.BASE) {
        continue;
      }
      if (!allowed(
          admin,
          call.apiGroup(),
          call.resource(),
          call.verb(),
          call.resourceName(),
          call.scope())) {
        denied.add(call.id() + " (" + call.why() + ")");
      }
    }
    assertThat(denied).as("calls of the agent the deployed RBAC refuses").isEmpty();
  }

  @Test
  void callsOutsideTheTableAreRefused(KubernetesClient admin) {
    assertThat(allowed(admin, "", "namespaces", "patch", null, AgentCalls.Scope.CLUSTER)).isFalse();
    assertThat(allowed(admin, "", "nodes", "list", null, AgentCalls.Scope.CLUSTER)).isFalse();
    assertThat(
            allowed(
                admin,
                "rbac.authorization.k8s.io",
                "clusterroles",
                "bind",
                "cluster-admin",
                AgentCalls.Scope.CLUSTER))
        .isFalse();
    assertThat(
            allowed(
                admin,
                "rbac.authorization.k8s.io",
                "clusterroles",
                "escalate",
                null,
                AgentCalls.Scope.CLUSTER))
        .isFalse();
    assertThat(
            allowed(
                admin,
                "rbac.authorization.k8s.io",
                "clusterrolebindings",
                "create",
                null,
                AgentCalls.Scope.CLUSTER))
        .isFalse();
    assertThat(
            allowed(
                admin, "coordination.k8s.io", "leases", "patch", null, AgentCalls.Scope.CLUSTER))
        .as("leases only in the agent's namespace")
        .isFalse();
  }

  @Test
  void theClusterRoleAndRoleGrantNothingBeyondTheTable(
      KubernetesClient admin, ControlPlane controlPlane) {
    Set<String> clusterGrants =
        grants(admin.rbac().clusterRoles().withName("staging-canary").get().getRules());
    Set<String> namespaceGrants =
        grants(
            admin
                .rbac()
                .roles()
                .inNamespace(RenderedManifests.NAMESPACE)
                .withName("staging-canary-leader-election")
                .get()
                .getRules());

    assertThat(clusterGrants).isEqualTo(AgentCalls.ids(AgentCalls.Scope.CLUSTER, false));
    assertThat(namespaceGrants).isEqualTo(AgentCalls.ids(AgentCalls.Scope.OWN_NAMESPACE, false));

    JsonNode openshiftRole = RenderedManifests.render(controlPlane, "openshift").one("ClusterRole");
    Set<String> openshiftGrants =
        grants(JSON.convertValue(openshiftRole.path("rules"), PolicyRule[].class));
    assertThat(openshiftGrants).isEqualTo(AgentCalls.ids(AgentCalls.Scope.CLUSTER, true));
  }

  @Test
  void theAgentRunsAsTheDeployedServiceAccountWithoutA403OrAnUnlistedCall(
      ControlPlane controlPlane, KubernetesClient admin, @TempDir Path dataDir) throws Exception {
    String token =
        admin
            .serviceAccounts()
            .inNamespace(RenderedManifests.NAMESPACE)
            .withName(RenderedManifests.SERVICE_ACCOUNT)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    EmbeddedPostgresSupport postgres = EmbeddedPostgresSupport.server();
    String database = postgres.createDatabase();
    String apiToken = "rbac-it-token";
    Path tokens = Files.writeString(dataDir.resolve("api-tokens"), apiToken + "\n");
    long auditLinesBefore =
        Files.exists(controlPlane.auditLog()) ? Files.lines(controlPlane.auditLog()).count() : 0;
    Instant started = Instant.now();

    try (KubernetesClient asServiceAccount =
            new KubernetesClientBuilder()
                .withConfig(
                    new ConfigBuilder(controlPlane.config())
                        .withOauthToken(token)
                        .withNamespace(RenderedManifests.NAMESPACE)
                        .build())
                .build();
        ConfigurableApplicationContext agent =
            new SpringApplicationBuilder(CanaryApplication.class)
                .initializers(
                    context ->
                        ((GenericApplicationContext) context)
                            .getBeanFactory()
                            .registerSingleton("kubernetesClient", asServiceAccount))
                .run(
                    "--server.port=0",
                    "--server.address=127.0.0.1",
                    "--spring.datasource.url=" + postgres.jdbcUrl(database),
                    "--spring.datasource.username=" + postgres.username(),
                    "--spring.datasource.password=",
                    "--canary.data-dir=" + dataDir,
                    "--canary.cluster-name=deployed-rbac",
                    "--canary.fixtures.path=" + RenderedManifests.DEPLOY.resolve("base/fixtures"),
                    "--canary.fixtures.sets=staging",
                    "--canary.api.token-file=" + tokens,
                    "--canary.reseed.mode=manual",
                    "--canary.leader-election.enabled=true",
                    "--canary.leader-election.lease-name=deployed-rbac-it",
                    "--canary.leader-election.identity=deployed-rbac-it",
                    "--canary.leader-election.lease-duration=6s",
                    "--canary.leader-election.renew-deadline=4s",
                    "--canary.leader-election.retry-period=1s")) {
      String port = agent.getEnvironment().getProperty("local.server.port");
      await("the agent leads, has seeded and verified as the ServiceAccount")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                JsonNode status = get(port, "/api/v1/status");
                assertThat(status.at("/leadership/leader").asBoolean())
                    .as(status.toString())
                    .isTrue();
                assertThat(status.path("state").asText()).isEqualTo("HEALTHY");
                assertThat(status.path("present").asInt())
                    .isEqualTo(status.path("expected").asInt())
                    .isGreaterThanOrEqualTo(16);
              });
      assertThat(
              admin
                  .rbac()
                  .roleBindings()
                  .inNamespace("canary-stg-pro")
                  .withName("canary-stg-pro-admin")
                  .get())
          .as("a sentinel RoleBinding to 'admin' was created (bind on admin suffices)")
          .isNotNull();
      var lease =
          admin.leases().inNamespace(RenderedManifests.NAMESPACE).withName("deployed-rbac-it");
      assertThat(lease.get().getSpec().getHolderIdentity()).isEqualTo("deployed-rbac-it");
      var renewed = lease.get().getSpec().getRenewTime();
      await("the leader keeps renewing its Lease")
          .atMost(Duration.ofSeconds(15))
          .until(() -> lease.get().getSpec().getRenewTime().isAfter(renewed));
      Thread.sleep(5000); // longer than the renew deadline: a failing renewal would end the term
      assertThat(get(port, "/api/v1/status").at("/leadership/leader").asBoolean())
          .as("still the leader after the renew deadline")
          .isTrue();
    }

    List<JsonNode> requests = new ArrayList<>();
    try (var lines = Files.lines(controlPlane.auditLog())) {
      lines
          .skip(auditLinesBefore)
          .map(DeployedRbacIT::parse)
          .filter(e -> USER.equals(e.at("/user/username").asText()))
          .filter(e -> !Instant.parse(e.path("stageTimestamp").asText()).isBefore(started))
          .forEach(requests::add);
    }
    Set<String> made = new TreeSet<>();
    List<String> unlisted = new ArrayList<>();
    List<String> forbidden = new ArrayList<>();
    for (JsonNode request : requests) {
      JsonNode ref = request.path("objectRef");
      String description =
          request.path("verb").asText() + " " + request.path("requestURI").asText();
      if (request.at("/responseStatus/code").asInt() == 403) {
        forbidden.add(description);
      }
      if (ref.isMissingNode()) {
        continue; // discovery (non-resource URLs), granted to every authenticated user
      }
      String group = ref.path("apiGroup").asText("");
      String resource =
          ref.path("resource").asText()
              + (ref.has("subresource") ? "/" + ref.path("subresource").asText() : "");
      String verb = request.path("verb").asText();
      made.add((group.isEmpty() ? "core" : group) + "/" + resource + ":" + verb);
      if (!AgentCalls.allows(group, resource, verb, ref.path("name").asText(null))) {
        unlisted.add(description);
      }
    }
    assertThat(forbidden).as("requests the API server refused").isEmpty();
    assertThat(unlisted).as("requests missing from AgentCalls").isEmpty();
    assertThat(made)
        .as("the run really seeded, watched and led")
        .contains(
            "core/namespaces:get",
            "core/namespaces:create",
            "core/configmaps:list",
            "core/configmaps:watch",
            "core/secrets:create",
            "rbac.authorization.k8s.io/rolebindings:create",
            "apps/deployments:watch",
            "coordination.k8s.io/leases:get");
    System.out.printf("[deployed-rbac] calls made by the agent as its ServiceAccount: %s%n", made);
  }

  // ----

  private static boolean allowed(
      KubernetesClient admin,
      String group,
      String resource,
      String verb,
      String name,
      AgentCalls.Scope scope) {
    SubjectAccessReview review =
        new SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser(USER)
            .withGroups(GROUPS)
            .withNewResourceAttributes()
            .withGroup(group)
            .withResource(resource)
            .withVerb(verb)
            .withName(name)
            .withNamespace(
                scope == AgentCalls.Scope.OWN_NAMESPACE ? RenderedManifests.NAMESPACE : null)
            .endResourceAttributes()
            .endSpec()
            .build();
    return admin.authorization().v1().subjectAccessReview().create(review).getStatus().getAllowed();
  }

  /** Expands rules into {@link AgentCalls.Call#id()}s. */
  static Set<String> grants(List<PolicyRule> rules) {
    return grants(rules.toArray(PolicyRule[]::new));
  }

  static Set<String> grants(PolicyRule[] rules) {
    Set<String> ids = new TreeSet<>();
    for (PolicyRule rule : rules) {
      List<String> names =
          rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
              ? java.util.Collections.singletonList(null)
              : rule.getResourceNames();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            for (String name : names) {
              ids.add(new AgentCalls.Call(group, resource, verb, name, null, null, null).id());
            }
          }
        }
      }
    }
    return ids;
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new IllegalStateException("audit log line is not JSON: " + line, e);
    }
  }

  private static JsonNode get(String port, String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}
