package io.stagingcanary.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.MutableClock;
import io.stagingcanary.cluster.ClusterIdOverride;
import io.stagingcanary.cluster.ClusterIdentities;
import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.cluster.ClusterReplaced;
import io.stagingcanary.config.BoundProperties;
import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.sandbox.SandboxCluster;
import io.stagingcanary.seeding.InMemoryLedger;
import io.stagingcanary.watch.ApiLiveness;
import io.stagingcanary.watch.LivenessProbes;
import io.stagingcanary.watch.SightProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * Blind state, hysteresis and identity re-checks with a fake clock; the identity is read from a
 * real in-process API server, the liveness decision is the real one fed probe outcomes.
 */
class SightTest {

  static final Instant T0 = Instant.parse("2026-12-03T08:00:00Z");
  static final Map<String, String> UNOBSERVED = Map.of("v1/ConfigMap", "watch refused: 403");

  static SandboxCluster sandbox;
  static KubernetesClient client;

  final MutableClock clock = new MutableClock(T0);
  final AtomicReference<String> clusterId = new AtomicReference<>("c-1");
  final java.util.concurrent.atomic.AtomicBoolean identityUnreadable =
      new java.util.concurrent.atomic.AtomicBoolean();
  final AtomicInteger identityReads = new AtomicInteger();
  final List<Object> published = new CopyOnWriteArrayList<>();
  final SightProperties properties = SightProperties.defaults();
  ClusterIdentity cluster;
  ApiLiveness liveness;
  Sight sight;

  @BeforeAll
  static void startSandbox() {
    sandbox = SandboxCluster.start("127.0.0.1", 0, List.of());
    client = sandbox.newClient();
  }

  @AfterAll
  static void stopSandbox() {
    client.close();
    sandbox.close();
  }

  @BeforeEach
  void setUp() {
    CanaryProperties canary = BoundProperties.canary(Map.of("canary.verification.interval", "60s"));
    StaticListableBeanFactory beans = new StaticListableBeanFactory();
    beans.addBean(
        "override",
        (ClusterIdOverride)
            () -> {
              identityReads.incrementAndGet();
              if (identityUnreadable.get()) {
                throw new IllegalStateException("no kube-system namespace to identify it by");
              }
              return clusterId.get();
            });
    ClusterIdentities identities =
        new ClusterIdentities(client, canary, beans.getBeanProvider(ClusterIdOverride.class));
    cluster = identities.current();
    identityReads.set(0);
    liveness =
        new ApiLiveness(
            client,
            properties,
            clock,
            new io.stagingcanary.platform.ComponentExecutors(Duration.ofSeconds(1)));
    sight =
        new Sight(
            canary, properties, liveness, identities, new InMemoryLedger(), clock, published::add);
  }

  @Test
  void blindAtOnceWhenTheApiServerStopsAnsweringSinceItsFirstFailedProbe() {
    assertThat(sight.check(cluster, Optional.empty())).isEqualTo(Sight.Step.NONE);

    clock.advance(Duration.ofSeconds(2));
    LivenessProbes.failed(liveness);
    Instant firstFailure = clock.instant();
    clock.advance(Duration.ofSeconds(2));
    LivenessProbes.failed(liveness);

    assertThat(sight.check(cluster, Optional.empty())).isEqualTo(Sight.Step.BLIND);
    assertThat(sight.blind()).isTrue();
    assertThat(sight.blindSince(true)).contains(firstFailure);
    assertThat(sight.blindReason(true)).hasValueSatisfying(r -> assertThat(r).contains("PT2S"));
  }

  @Test
  void anInformerThatCannotWatchMakesItBlindAndWhileBlindFindingsCarryTheInterval() {
    assertThat(sight.check(cluster, Optional.of("ConfigMap: watch refused: 403")))
        .isEqualTo(Sight.Step.BLIND);
    clock.advance(Duration.ofSeconds(30));

    Sight.Interval interval = sight.afterListing(cluster, UNOBSERVED, false, clock.instant());

    assertThat(interval).isEqualTo(new Sight.Interval(T0, clock.instant(), false));
    assertThat(sight.blind()).as("a periodic verification does not end blindness").isTrue();
  }

  @Test
  void visibleAgainOnlyAfterStableForAndAVerificationThatObservedEveryKind() {
    sight.check(cluster, Optional.of("ConfigMap: not synced"));
    clock.advance(Duration.ofSeconds(10));

    assertThat(sight.check(cluster, Optional.empty())).isEqualTo(Sight.Step.NONE);
    clock.advance(properties.stableFor().minusMillis(500));
    assertThat(sight.check(cluster, Optional.empty())).isEqualTo(Sight.Step.NONE);
    sight.check(cluster, Optional.of("ConfigMap: not synced"));
    clock.advance(Duration.ofSeconds(1));
    assertThat(sight.check(cluster, Optional.empty()))
        .as("a break starts over")
        .isEqualTo(Sight.Step.NONE);
    clock.advance(properties.stableFor());
    assertThat(sight.check(cluster, Optional.empty())).isEqualTo(Sight.Step.TRY_RETURN);

    Sight.Interval interval = sight.afterListing(cluster, Map.of(), true, clock.instant());

    assertThat(interval.from()).isEqualTo(T0);
    assertThat(interval.to()).isEqualTo(clock.instant());
    assertThat(interval.replaced()).isFalse();
    assertThat(sight.blind()).isFalse();
    assertThat(identityReads).as("the identity is re-checked before sight is back").hasValue(1);
    assertThat(sight.afterListing(cluster, Map.of(), false, clock.instant()))
        .isEqualTo(new Sight.Interval(null, null, false));
  }

  @Test
  void aReturnThatStillCannotObserveWaitsLongerUpToHalfTheInterval() {
    sight.check(cluster, Optional.of("ConfigMap: not synced"));
    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      sight.afterListing(cluster, UNOBSERVED, true, clock.instant());
      sight.returnTried();
      delays.add(sight.returnDelay());
    }

    assertThat(delays)
        .containsExactly(
            Duration.ofSeconds(10),
            Duration.ofSeconds(20),
            Duration.ofSeconds(30),
            Duration.ofSeconds(30));
    assertThat(sight.blind()).isTrue();
  }

  @Test
  void aLargeLossReChecksTheIdentityOnceInABurst() {
    assertThat(sight.replacedBeforeLargeLoss(cluster, 5, 10)).isFalse();
    assertThat(identityReads).as("half is not more than half").hasValue(0);

    assertThat(sight.replacedBeforeLargeLoss(cluster, 6, 10)).isFalse();
    clock.advance(Duration.ofSeconds(4));
    assertThat(sight.replacedBeforeLargeLoss(cluster, 8, 10)).isFalse();
    assertThat(identityReads).hasValue(1);

    clock.advance(Duration.ofSeconds(2));
    assertThat(sight.replacedBeforeLargeLoss(cluster, 9, 10)).isFalse();
    assertThat(identityReads).hasValue(2);
  }

  @Test
  void aLargeLossWaitsForAnIdentityThatCannotBeReadThenIsReported() {
    identityUnreadable.set(true);
    assertThat(sight.replacedBeforeLargeLoss(cluster, 10, 10))
        .as("a restarted API server without kube-system yet: not reported")
        .isTrue();
    assertThat(sight.replaced()).isFalse();

    clock.advance(Duration.ofSeconds(30));
    identityUnreadable.set(false);
    clusterId.set("c-2");
    assertThat(sight.replacedBeforeLargeLoss(cluster, 10, 10)).isTrue();
    assertThat(sight.replaced()).as("the rebuilt cluster, once readable").isTrue();
  }

  @Test
  void aLargeLossIsReportedWhenTheIdentityStaysUnreadable() {
    identityUnreadable.set(true);
    assertThat(sight.replacedBeforeLargeLoss(cluster, 10, 10)).isTrue();
    clock.advance(Duration.ofSeconds(61));
    assertThat(sight.replacedBeforeLargeLoss(cluster, 10, 10))
        .as("no missed loss: after a minute it is reported")
        .isFalse();
    assertThat(sight.replaced()).isFalse();
  }

  @Test
  void anotherClusterBehindTheUrlIsHandedToSeedingAndTheAgentStaysBlindUntilItIs() {
    clusterId.set("c-2");

    assertThat(sight.replacedBeforeLargeLoss(cluster, 10, 10)).isTrue();

    assertThat(sight.replaced()).isTrue();
    assertThat(sight.blind()).isTrue();
    assertThat(sight.blindReason(true))
        .hasValueSatisfying(r -> assertThat(r).contains("c-1 -> c-2"));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(published)
                    .singleElement()
                    .isInstanceOfSatisfying(
                        ClusterReplaced.class, e -> assertThat(e.current().id()).isEqualTo("c-2")));
    assertThat(sight.identityChanged(cluster)).as("asked once, remembered").isTrue();
    assertThat(identityReads).hasValue(1);

    sight.startOver();
    assertThat(sight.replaced()).isFalse();
    assertThat(sight.blind()).isFalse();
  }
}
