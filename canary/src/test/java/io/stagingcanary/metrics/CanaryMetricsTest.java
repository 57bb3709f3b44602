package io.stagingcanary.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.info.BuildProperties;

/** Every recording method and binding of {@link CanaryMetrics}, on a plain registry. */
class CanaryMetricsTest {

  static final Instant NOW = Instant.parse("2026-11-22T08:00:00Z");

  final MeterRegistry registry = new SimpleMeterRegistry();
  final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  final MetricsProperties properties =
      new MetricsProperties(
          List.of(Duration.ofMillis(100), Duration.ofSeconds(1)),
          List.of(Duration.ofSeconds(1)),
          List.of(Duration.ofMinutes(1)));
  final CanaryMetrics metrics = create(null);

  CanaryMetrics create(String version) {
    StaticListableBeanFactory beans = new StaticListableBeanFactory();
    if (version != null) {
      Properties build = new Properties();
      build.setProperty("version", version);
      beans.addBean("build", new BuildProperties(build));
    }
    return new CanaryMetrics(
        registry, properties, clock, beans.getBeanProvider(BuildProperties.class));
  }

  @Test
  void toolRunsCountByToolAndVerdictAndTimeByTool() {
    metrics.toolRunCompleted("user-cleanup", "WITHIN_POLICY", Duration.ofSeconds(30));
    metrics.toolRunCompleted("user-cleanup", "VIOLATION", Duration.ofSeconds(90));
    metrics.toolRunCompleted("user-cleanup", "VIOLATION", Duration.ofSeconds(10));

    assertThat(count("canary.tool.runs", "tool", "user-cleanup", "verdict", "VIOLATION"))
        .isEqualTo(2);
    assertThat(count("canary.tool.runs", "tool", "user-cleanup", "verdict", "WITHIN_POLICY"))
        .isEqualTo(1);
    var timer = registry.get("canary.tool.run.duration").tag("tool", "user-cleanup").timer();
    assertThat(timer.count()).isEqualTo(3);
    assertThat(timer.totalTime(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(130);
  }

  @Test
  void deploymentsAndAlertDeliveriesCount() {
    metrics.toolDeployed("user-cleanup");
    metrics.toolDeployed("user-cleanup");
    metrics.alertDelivered("slack", "delivered");
    metrics.alertDelivered("slack", "failed");
    metrics.alertDelivered("slack", "failed");

    assertThat(count("canary.tool.deployments", "tool", "user-cleanup")).isEqualTo(2);
    assertThat(count("canary.alert.deliveries", "channel", "slack", "outcome", "failed"))
        .isEqualTo(2);
    assertThat(count("canary.alert.deliveries", "channel", "slack", "outcome", "delivered"))
        .isEqualTo(1);
  }

  @Test
  void declaredToolsChannelsAndKindsStartAtZeroSoTheFirstEventIsAnIncrease() {
    metrics.declareTools(List.of("prune-users"), List.of("PASS", "FAIL", "ERROR"));
    metrics.declareAlertChannels(List.of("slack[0]"), List.of("delivered", "failed"));
    metrics.declareSentinelKinds(List.of(new SentinelGroup("sandbox", "ConfigMap", "PRESENT")));

    assertThat(count("canary.tool.runs", "tool", "prune-users", "verdict", "FAIL")).isZero();
    assertThat(registry.get("canary.tool.runs").counters()).hasSize(3);
    assertThat(count("canary.tool.deployments", "tool", "prune-users")).isZero();
    assertThat(count("canary.alert.deliveries", "channel", "slack[0]", "outcome", "failed"))
        .isZero();
    assertThat(count("canary.sentinel.losses", "set", "sandbox", "kind", "ConfigMap")).isZero();
    assertThat(registry.find("canary.tool.run.duration").timer())
        .as("durations only exist once a run was timed")
        .isNull();

    metrics.toolRunCompleted("prune-users", "FAIL", Duration.ofSeconds(3));
    assertThat(count("canary.tool.runs", "tool", "prune-users", "verdict", "FAIL")).isEqualTo(1);
  }

  @Test
  void blankTagValuesBecomeUnknownNeverAnEmptyTag() {
    metrics.alertDelivered(null, " ");
    assertThat(count("canary.alert.deliveries", "channel", "unknown", "outcome", "unknown"))
        .isEqualTo(1);
  }

  @Test
  void outboxAndMaintenanceWindowAreSetters() {
    assertThat(gauge("canary.alert.outbox.pending")).isZero();
    metrics.outboxPending(7);
    assertThat(gauge("canary.alert.outbox.pending")).isEqualTo(7);
    metrics.outboxPending(-1);
    assertThat(gauge("canary.alert.outbox.pending")).isZero();

    assertThat(gauge("canary.maintenance.window.active")).isZero();
    metrics.maintenanceWindowActive(true);
    assertThat(gauge("canary.maintenance.window.active")).isEqualTo(1);
    metrics.maintenanceWindowActive(false);
    assertThat(gauge("canary.maintenance.window.active")).isZero();
  }

  @Test
  void outboxAndMaintenanceWindowCanBeReadAtScrapeTimeInstead() {
    AtomicLong pending = new AtomicLong(4);
    AtomicBoolean window = new AtomicBoolean(true);
    metrics.outboxPending(9);
    metrics.bindOutboxPending(pending::get);
    metrics.bindMaintenanceWindowActive(window::get);

    assertThat(gauge("canary.alert.outbox.pending")).isEqualTo(4);
    assertThat(gauge("canary.maintenance.window.active")).isEqualTo(1);
    pending.set(0);
    window.set(false);
    assertThat(gauge("canary.alert.outbox.pending")).isZero();
    assertThat(gauge("canary.maintenance.window.active")).isZero();
  }

  @Test
  void snapshotAgeIsMeasuredFromTheLatestSnapshotPerSet() {
    metrics.pvcSnapshotTaken("sandbox", NOW.minusSeconds(600));
    metrics.pvcSnapshotTaken("other", NOW.minusSeconds(60));
    assertThat(gauge("canary.pvc.snapshot.age", "set", "sandbox")).isEqualTo(600);
    metrics.pvcSnapshotTaken("sandbox", NOW.minusSeconds(5));
    assertThat(gauge("canary.pvc.snapshot.age", "set", "sandbox")).isEqualTo(5);
    assertThat(gauge("canary.pvc.snapshot.age", "set", "other")).isEqualTo(60);
  }

  @Test
  void lossesCountBySetAndKind() {
    metrics.sentinelLost("sandbox", "ConfigMap");
    metrics.sentinelLost("sandbox", "ConfigMap");
    metrics.sentinelLost("sandbox", "Namespace");
    assertThat(count("canary.sentinel.losses", "set", "sandbox", "kind", "ConfigMap")).isEqualTo(2);
    assertThat(count("canary.sentinel.losses", "set", "sandbox", "kind", "Namespace")).isEqualTo(1);
  }

  @Test
  void detectionLatencyAndVerificationDurationAreHistogramsWithTheConfiguredBuckets() {
    metrics.detected(NOW.minusMillis(250), NOW);
    metrics.detected(NOW, NOW.minusMillis(5)); // clock skew between threads: never negative
    metrics.verificationCompleted(Duration.ofMillis(700));

    var latency = registry.get("canary.detection.latency").timer();
    assertThat(latency.count()).isEqualTo(2);
    assertThat(latency.max(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(250);
    var buckets = latency.takeSnapshot().histogramCounts();
    assertThat(buckets).hasSize(2);
    assertThat(buckets[0].bucket(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(100);
    assertThat(buckets[0].count()).isEqualTo(1);
    assertThat(buckets[1].count()).isEqualTo(2);
    assertThat(registry.get("canary.verification.duration").timer().count()).isEqualTo(1);
  }

  @Test
  void boundGaugesReadTheirSuppliersAtScrapeTime() {
    AtomicBoolean blind = new AtomicBoolean();
    AtomicBoolean leader = new AtomicBoolean(true);
    AtomicReference<Optional<Instant>> success = new AtomicReference<>(Optional.empty());
    metrics.bindBlind(blind::get);
    metrics.bindLeader(leader::get);
    metrics.bindOpenIncidents(() -> 2);
    metrics.bindLastSuccessfulVerification(success::get);

    assertThat(gauge("canary.blind")).isZero();
    assertThat(gauge("canary.leader")).isEqualTo(1);
    assertThat(gauge("canary.incidents.open")).isEqualTo(2);
    assertThat(gauge("canary.last.verification.success.timestamp")).isZero();
    blind.set(true);
    leader.set(false);
    success.set(Optional.of(NOW));
    assertThat(gauge("canary.blind")).isEqualTo(1);
    assertThat(gauge("canary.leader")).isZero();
    assertThat(gauge("canary.last.verification.success.timestamp")).isEqualTo(NOW.getEpochSecond());
  }

  @Test
  void sentinelGaugesHaveOneSeriesPerGroupAndMissingGroupsAreZero() {
    SentinelGroup present = new SentinelGroup("sandbox", "ConfigMap", "PRESENT");
    SentinelGroup missing = new SentinelGroup("sandbox", "ConfigMap", "MISSING");
    Map<SentinelGroup, Long> counts = new HashMap<>(Map.of(present, 5L));
    metrics.bindSentinels(List.of(present, missing), () -> Map.copyOf(counts));
    System.gc(); // the gauges hold their suppliers strongly: no NaN after a collection

    assertThat(gauge("canary.sentinels", "set", "sandbox", "kind", "ConfigMap", "state", "PRESENT"))
        .isEqualTo(5);
    assertThat(gauge("canary.sentinels", "set", "sandbox", "kind", "ConfigMap", "state", "MISSING"))
        .isZero();
    counts.put(present, 4L);
    counts.put(missing, 1L);
    assertThat(gauge("canary.sentinels", "set", "sandbox", "kind", "ConfigMap", "state", "MISSING"))
        .isEqualTo(1);
  }

  @Test
  void agentStateIsOneForTheCurrentStateOnly() {
    AtomicReference<String> state = new AtomicReference<>("STARTING");
    metrics.bindAgentState(List.of("STARTING", "HEALTHY", "LOSS", "BLIND"), state::get);
    assertThat(gauge("canary.agent.state", "state", "STARTING")).isEqualTo(1);
    state.set("LOSS");
    assertThat(gauge("canary.agent.state", "state", "STARTING")).isZero();
    assertThat(gauge("canary.agent.state", "state", "LOSS")).isEqualTo(1);
  }

  @Test
  void oldestSentinelAgeIsNaNWhileUnknown() {
    Map<String, Instant> oldest = new HashMap<>();
    metrics.bindOldestSentinel(List.of("sandbox"), set -> Optional.ofNullable(oldest.get(set)));
    assertThat(gauge("canary.oldest.sentinel.age", "set", "sandbox")).isNaN();
    oldest.put("sandbox", NOW.minus(Duration.ofDays(30)));
    assertThat(gauge("canary.oldest.sentinel.age", "set", "sandbox"))
        .isEqualTo(Duration.ofDays(30).toSeconds());
  }

  @Test
  void buildInfoCarriesTheVersion() {
    assertThat(gauge("canary.build.info", "version", "unknown")).isEqualTo(1);
    MeterRegistry other = new SimpleMeterRegistry();
    StaticListableBeanFactory beans = new StaticListableBeanFactory();
    Properties build = new Properties();
    build.setProperty("version", "1.2.3");
    beans.addBean("build", new BuildProperties(build));
    new CanaryMetrics(other, properties, clock, beans.getBeanProvider(BuildProperties.class));
    assertThat(other.get("canary.build.info").tag("version", "1.2.3").gauge().value()).isEqualTo(1);
  }

  private double count(String name, String... tags) {
    return registry.get(name).tags(Tags.of(tags)).counter().count();
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(Tags.of(tags)).gauge().value();
  }
}
