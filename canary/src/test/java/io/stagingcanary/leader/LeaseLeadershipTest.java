package io.stagingcanary.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.stagingcanary.platform.ComponentExecutors;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on one Lease (fabric8 CRUD mock server): one leads and is told once; a graceful stop
 * hands over at once; a replica that can no longer renew stops leading and the other takes over.
 * The same on the real API server with killed processes: {@code LeaderFailoverIT}.
 */
@EnableKubernetesMockClient(crud = true)
class LeaseLeadershipTest {

  private static final Duration LEASE = Duration.ofMillis(2000);
  private static final Duration RENEW = Duration.ofMillis(1500);
  private static final Duration RETRY = Duration.ofMillis(200);

  KubernetesMockServer server;
  KubernetesClient client;
  private final List<LeaseLeadership> replicas = new CopyOnWriteArrayList<>();
  private final List<String> acquired = new CopyOnWriteArrayList<>();
  private final List<KubernetesClient> replicaClients = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    replicas.forEach(LeaseLeadership::close);
    replicaClients.forEach(KubernetesClient::close);
  }

  @Test
  void oneReplicaLeadsAndTheOtherFollowsNamingIt() {
    LeaseLeadership a = replica("a", client);
    a.start();
    await().atMost(Duration.ofSeconds(10)).until(a::isLeader);
    LeaseLeadership b = replica("b", client);
    b.start();

    await().atMost(Duration.ofSeconds(10)).until(() -> b.currentLeader().isPresent());
    assertThat(b.currentLeader()).contains("a");
    assertThat(b.isLeader()).isFalse();
    assertThat(a.isLeader()).isTrue();
    assertThat(a.leaderSince()).isPresent();
    await().atMost(Duration.ofSeconds(5)).until(() -> acquired.equals(List.of("a")));
    assertThat(
            client
                .leases()
                .inNamespace("canary")
                .withName("leader")
                .get()
                .getSpec()
                .getHolderIdentity())
        .isEqualTo("a");
  }

  @Test
  void aGracefulStopReleasesTheLeaseAndTheFollowerTakesOver() {
    LeaseLeadership a = replica("a", client);
    a.start();
    await().atMost(Duration.ofSeconds(10)).until(a::isLeader);
    LeaseLeadership b = replica("b", client);
    b.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> b.currentLeader().isPresent());

    long stopped = System.nanoTime();
    a.close();

    await().atMost(Duration.ofSeconds(10)).until(b::isLeader);
    assertThat(Duration.ofNanos(System.nanoTime() - stopped))
        .as("released, so no need to wait for the lease to expire")
        .isLessThan(LEASE);
    assertThat(a.isLeader()).isFalse();
    assertThat(acquired).containsExactly("a", "b");
  }

  @Test
  void aLeaderThatCannotRenewStopsActingAndTheOtherTakesOver() {
    AtomicBoolean unreachable = new AtomicBoolean();
    KubernetesClient doomed =
        new KubernetesClientBuilder()
            .withConfig(client.getConfiguration())
            .withHttpClientBuilderConsumer(
                builder ->
                    builder.addOrReplaceInterceptor(
                        "unreachable",
                        new Interceptor() {
                          @Override
                          public void before(
                              BasicBuilder request, HttpRequest original, RequestTags tags) {
                            if (unreachable.get()) {
                              request.uri(
                                  URI.create("http://127.0.0.1:1" + original.uri().getPath()));
                            }
                          }
                        }))
            .build();
    replicaClients.add(doomed);
    LeaseLeadership a = replica("a", doomed);
    a.start();
    await().atMost(Duration.ofSeconds(10)).until(a::isLeader);
    LeaseLeadership b = replica("b", client);
    b.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> b.currentLeader().isPresent());

    unreachable.set(true); // a's API server is gone: it cannot renew

    await("a stops leading").atMost(RENEW.plus(Duration.ofSeconds(5))).until(() -> !a.isLeader());
    await("b takes over").atMost(LEASE.plus(Duration.ofSeconds(5))).until(b::isLeader);
    assertThat(b.currentLeader()).contains("b");
  }

  private LeaseLeadership replica(String identity, KubernetesClient replicaClient) {
    LeaseLeadership leadership =
        new LeaseLeadership(
            replicaClient,
            "canary",
            "leader",
            identity,
            LEASE,
            RENEW,
            RETRY,
            event -> acquired.add(event.identity()),
            Clock.systemUTC(),
            new ComponentExecutors(Duration.ofSeconds(1)));
    replicas.add(leadership);
    return leadership;
  }
}
