package io.stagingcanary.seeding;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.cluster.ClusterIdOverride;
import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.cluster.ClusterReplaced;
import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.fixtures.FixtureCatalog;
import io.stagingcanary.leader.Leadership;
import io.stagingcanary.leader.LeadershipAcquired;
import io.stagingcanary.store.Ledger;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Startup: resolve which cluster this is, record it, seed the chosen sets, announce completion.
 * Fixtures were validated before this runs; an unreachable cluster stops startup. Only the leader
 * seeds: another replica records the cluster and serves the read API until it gains leadership.
 */
@Component
class SeedingRunner implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(SeedingRunner.class);

  private final KubernetesClient client;
  private final CanaryProperties properties;
  private final FixtureCatalog fixtures;
  private final SeedingService seeding;
  private final SeedingState state;
  private final Ledger ledger;
  private final Clock clock;
  private final ApplicationEventPublisher events;
  private final ObjectProvider<ClusterIdOverride> clusterIdOverride;
  private final Leadership leadership;

  SeedingRunner(
      KubernetesClient client,
      CanaryProperties properties,
      FixtureCatalog fixtures,
      SeedingService seeding,
      SeedingState state,
      Ledger ledger,
      Clock clock,
      ApplicationEventPublisher events,
      ObjectProvider<ClusterIdOverride> clusterIdOverride,
      Leadership leadership) {
    this.client = client;
    this.properties = properties;
    this.fixtures = fixtures;
    this.seeding = seeding;
    this.state = state;
    this.ledger = ledger;
    this.clock = clock;
    this.events = events;
    this.clusterIdOverride = clusterIdOverride;
    this.leadership = leadership;
  }

  @Override
  public void run(ApplicationArguments args) {
    ClusterIdentity cluster =
        ClusterIdentity.resolve(client, properties, clusterIdOverride.getIfAvailable());
    if (!leadership.isLeader()) {
      state.resolved(cluster);
      log.info(
          "Replica {} is not the leader: serving the read API for cluster {} until it leads",
          leadership.identity(),
          cluster.name());
      return;
    }
    seedAndAnnounce(cluster);
  }

  /** Gaining leadership: seed, then the verifier runs a full verification (losses are found). */
  @EventListener
  void onLeadershipAcquired(LeadershipAcquired acquired) {
    ClusterIdentity cluster =
        state
            .cluster()
            .orElseGet(
                () ->
                    ClusterIdentity.resolve(
                        client, properties, clusterIdOverride.getIfAvailable()));
    seedAndAnnounce(cluster);
  }

  /**
   * The verifier found another cluster behind the URL while running: seed it as at startup; the
   * verifier then records the previous cluster's ledger as one environment reset.
   */
  @EventListener
  void onClusterReplaced(ClusterReplaced replaced) {
    if (!leadership.isLeader()) {
      state.resolved(replaced.current());
      return;
    }
    log.warn(
        "Cluster {} was replaced behind {} ({} -> {}): seeding it afresh",
        replaced.current().name(),
        replaced.current().serverUrl(),
        replaced.previous().id(),
        replaced.current().id());
    seedAndAnnounce(replaced.current());
  }

  private synchronized void seedAndAnnounce(ClusterIdentity cluster) {
    leadership.requireLeader("seed");
    ledger.touchCluster(cluster.id(), cluster.name(), clock.instant());
    SeedReport report = seeding.seed(cluster, fixtures.sets());
    state.record(cluster, report);
    events.publishEvent(new SeedingCompleted(cluster, report));
  }
}
