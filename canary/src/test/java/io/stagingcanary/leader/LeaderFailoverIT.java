package io.stagingcanary.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.controlplane.ControlPlane;
import io.stagingcanary.controlplane.RealControlPlane;
import io.stagingcanary.store.EmbeddedPostgresSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two packaged agents against the same real control plane and the same PostgreSQL, leader election
 * on a Lease. The follower serves reads and refuses writes naming the leader; the leader is
 * SIGKILLed (the lease is not released) right after it opened an incident, and a second sentinel is
 * deleted while nobody leads; the follower takes over within the lease duration (plus one jittered
 * retry), finds the second loss in its takeover verification, and each loss is recorded in exactly
 * one incident.
 */
@RealControlPlane
class LeaderFailoverIT {

  private static final Duration LEASE = Duration.ofSeconds(6);
  private static final Duration RETRY = Duration.ofSeconds(1);
  private static final String TOKEN = "failover-it-token";

  @TempDir Path dir;
  private final List<AgentJvm> agents = new ArrayList<>();

  @AfterEach
  void stopAgents() {
    agents.forEach(AgentJvm::close);
  }

  @Test
  void theFollowerTakesOverAKilledLeaderAndEveryLossIsRecordedOnce(
      ControlPlane controlPlane, KubernetesClient admin) throws Exception {
    assertThat(AgentJvm.JAR).as("the packaged agent (mvn package)").exists();
    String prefix = ControlPlane.uniqueName("fo");
    Path fixtures = writeFixtures(prefix);
    String leaseNamespace = prefix + "-lease";
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(leaseNamespace).endMetadata().build())
        .create();
    EmbeddedPostgresSupport postgres = EmbeddedPostgresSupport.server();
    String database = postgres.createDatabase();
    List<String> common =
        List.of(
            "--spring.datasource.url=" + postgres.jdbcUrl(database),
            "--spring.datasource.username=" + postgres.username(),
            "--spring.datasource.password=",
            "--canary.cluster-name=failover",
            "--canary.fixtures.path=" + fixtures,
            "--canary.fixtures.sets=failover",
            "--canary.incidents.group-window=3s",
            "--canary.reseed.mode=manual",
            "--canary.alerts.log.enabled=true",
            "--canary.leader-election.enabled=true",
            "--canary.leader-election.lease-name=" + prefix,
            "--canary.leader-election.lease-namespace=" + leaseNamespace,
            "--canary.leader-election.lease-duration=" + LEASE.toSeconds() + "s",
            "--canary.leader-election.renew-deadline=4s",
            "--canary.leader-election.retry-period=" + RETRY.toSeconds() + "s");
    Map<String, String> env =
        Map.of("KUBECONFIG", controlPlane.kubeconfig().toString(), "CANARY_API_TOKEN", TOKEN);

    AgentJvm a = start("agent-a", common, env);
    awaitLeaderAndHealthy(a);
    AgentJvm b = start("agent-b", common, env);
    await("agent-b serves reads as a follower")
        .atMost(Duration.ofSeconds(120))
        .untilAsserted(
            () -> {
              AgentJvm.Response status = b.get("/api/v1/status");
              assertThat(status.status()).as(b.logTail(30)).isEqualTo(200);
              assertThat(status.json().at("/leadership/leader").asBoolean()).isFalse();
              assertThat(status.json().at("/leadership/currentLeader").asText())
                  .isEqualTo("agent-a");
            });
    assertThat(metric(b, "canary_leader")).isEqualTo(0.0);
    assertThat(metric(a, "canary_leader")).isEqualTo(1.0);
    assertThat(b.post("/api/v1/verifications", "wrong-token").status())
        .as("the token is checked first")
        .isEqualTo(401);
    AgentJvm.Response refused = b.post("/api/v1/verifications", TOKEN);
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.json().path("leader").asText()).isEqualTo("agent-a");
    assertThat(refused.headers().get("x-canary-leader")).containsExactly("agent-a");

    // Loss 1: the leader records it, then dies before (or while) sealing the incident.
    admin.configMaps().inNamespace(prefix + "-one").withName("settings").delete();
    String firstIncident =
        await("agent-a opens an incident")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> incidentWith(a, prefix + "-one"), id -> id != null);
    long killedAt = System.nanoTime();
    a.kill();
    // Loss 2: while nobody leads.
    admin.configMaps().inNamespace(prefix + "-two").withName("settings").delete();

    await("agent-b takes over")
        .atMost(LEASE.plus(Duration.ofSeconds(30)))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> b.get("/api/v1/status").json().at("/leadership/leader").asBoolean(false));
    Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
    System.out.printf(
        "[failover] leader killed -> follower leads in %d ms (lease %s, retry %s)%n",
        takeover.toMillis(), LEASE, RETRY);
    assertThat(takeover)
        .as("within the lease duration plus one jittered retry period")
        .isLessThanOrEqualTo(LEASE.plus(RETRY.multipliedBy(22).dividedBy(10)).plusMillis(500));

    await("agent-b has recorded both losses")
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(incidentWith(b, prefix + "-two")).isNotNull();
              assertThat(b.get("/api/v1/status").json().path("state").asText()).isEqualTo("LOSS");
            });
    Thread.sleep(4000); // past the grouping window: everything is sealed
    JsonNode incidents = b.get("/api/v1/incidents").json();
    assertThat(occurrences(incidents, prefix + "-one"))
        .as("loss 1 recorded once: %s", incidents)
        .containsExactly(firstIncident);
    assertThat(occurrences(incidents, prefix + "-two")).as("loss 2 recorded once").hasSize(1);
    for (JsonNode incident : incidents) {
      assertThat(incident.path("status").asText())
          .as(incident.path("id").asText())
          .isEqualTo("open");
    }
    await("each incident is alerted exactly once, by the new leader's outbox worker")
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              JsonNode alerts = b.get("/api/v1/alerts").json();
              for (JsonNode incident : incidents) {
                String id = incident.path("id").asText();
                List<JsonNode> firing = new ArrayList<>();
                for (JsonNode alert : alerts) {
                  if (alert.path("subject").asText().equals(id)
                      && alert.path("status").asText().equals("firing")) {
                    firing.add(alert);
                  }
                }
                assertThat(firing).as("firing alerts of %s: %s", id, alerts).hasSize(1);
                assertThat(firing.get(0).path("state").asText()).isEqualTo("delivered");
              }
            });
    assertThat(metric(b, "canary_leader")).isEqualTo(1.0);
    assertThat(
            admin
                .leases()
                .inNamespace(leaseNamespace)
                .withName(prefix)
                .get()
                .getSpec()
                .getHolderIdentity())
        .isEqualTo("agent-b");
  }

  private AgentJvm start(String name, List<String> common, Map<String, String> env)
      throws Exception {
    Path work = Files.createDirectories(dir.resolve(name));
    List<String> args = new ArrayList<>(common);
    args.add("--canary.data-dir=" + work.resolve("data"));
    args.add("--canary.leader-election.identity=" + name);
    AgentJvm agent = AgentJvm.start(name, work, args, env);
    agents.add(agent);
    return agent;
  }

  private static void awaitLeaderAndHealthy(AgentJvm agent) {
    await(agent.name() + " leads, has seeded and verified")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              assertThat(agent.isAlive()).as(agent.logTail(40)).isTrue();
              AgentJvm.Response response = agent.get("/api/v1/status");
              assertThat(response.status()).isEqualTo(200);
              JsonNode status = response.json();
              assertThat(status.at("/leadership/leader").asBoolean()).isTrue();
              assertThat(status.path("state").asText()).isEqualTo("HEALTHY");
              assertThat(status.path("present").asInt()).isEqualTo(4);
            });
  }

  /** Id of the incident holding the ConfigMap of this namespace, or null. */
  private static String incidentWith(AgentJvm agent, String namespace) {
    AgentJvm.Response response = agent.get("/api/v1/incidents");
    if (response.status() != 200) {
      return null;
    }
    List<String> ids = occurrences(response.json(), namespace);
    return ids.isEmpty() ? null : ids.get(0);
  }

  /** Ids of the incidents, once per item, that name the ConfigMap of this namespace. */
  private static List<String> occurrences(JsonNode incidents, String namespace) {
    List<String> ids = new ArrayList<>();
    for (JsonNode incident : incidents) {
      for (JsonNode item : incident.path("items")) {
        if (item.at("/key/kind").asText().equals("ConfigMap")
            && item.at("/key/namespace").asText().equals(namespace)) {
          ids.add(incident.path("id").asText());
        }
      }
    }
    return ids;
  }

  private static double metric(AgentJvm agent, String name) {
    for (String line : agent.get("/actuator/prometheus").body().lines().toList()) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no " + name + " in the scrape of " + agent.name());
  }

  /** A set of two tenants, each a namespace and a ConfigMap, named uniquely for this run. */
  private Path writeFixtures(String prefix) throws Exception {
    Path set = Files.createDirectories(dir.resolve("fixtures/failover"));
    Files.writeString(
        set.resolve("set.yaml"),
        """
        name: failover
        description: two tenants for the failover test
        kinds:
          - {apiVersion: v1, kind: Namespace}
          - {apiVersion: v1, kind: ConfigMap}
        """);
    for (String tenant : List.of("one", "two")) {
      Path dirOf = Files.createDirectories(set.resolve(tenant));
      Files.writeString(dirOf.resolve("tenant.yaml"), "labels:\n  tier: test\n");
      Files.writeString(
          dirOf.resolve("objects.yaml"),
          """
          apiVersion: v1
          kind: Namespace
          metadata:
            name: %1$s-%2$s
          ---
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: settings
            namespace: %1$s-%2$s
          data:
            tenant: %2$s
          """
              .formatted(prefix, tenant));
    }
    return dir.resolve("fixtures");
  }
}
