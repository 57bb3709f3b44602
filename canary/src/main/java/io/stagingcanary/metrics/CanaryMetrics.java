package io.stagingcanary.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.stereotype.Component;

/**
 * Owns every {@code canary_*} meter; docs/metrics.md is the catalog and a golden test keeps the two
 * equal. Features either push (the recording methods: {@code toolRunCompleted}, {@code
 * alertDelivered}, ...) or bind a supplier that a gauge reads at scrape time ({@code bind*}). This
 * package depends on no feature package: callers hand over plain strings, numbers and suppliers.
 *
 * <p>Tags are few and bounded: {@code set}, {@code kind}, {@code state}, {@code tool}, {@code
 * verdict}, {@code channel}, {@code outcome}, {@code version}, plus {@code cluster} on every meter.
 * Never a resource or tenant name.
 */
@Component
public class CanaryMetrics {

  public static final String CLUSTER = "cluster";
  static final String UNKNOWN = "unknown";

  /** Buckets of the observer endpoints' latency: an admission call must stay far below 2 s. */
  private static final Duration[] OBSERVER_BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(25),
    Duration.ofMillis(100),
    Duration.ofMillis(500),
    Duration.ofSeconds(2)
  };

  private final MeterRegistry registry;
  private final Clock clock;
  private final MetricsProperties properties;
  private final Timer verificationDuration;
  private final Timer detectionLatency;
  private final AtomicLong outboxPendingValue = new AtomicLong();
  private final AtomicLong maintenanceWindowActiveValue = new AtomicLong();
  private final Map<String, Instant> snapshotTakenAt = new ConcurrentHashMap<>();
  private final Set<String> boundSentinelSets = ConcurrentHashMap.newKeySet();

  private volatile BooleanSupplier blind = () -> false;
  private volatile BooleanSupplier leader = () -> false;
  private volatile IntSupplier openIncidents = () -> 0;
  private volatile Supplier<Optional<Instant>> lastSuccessfulVerification = Optional::empty;
  private volatile LongSupplier outboxPending = outboxPendingValue::get;
  private volatile BooleanSupplier maintenanceWindowActive =
      () -> maintenanceWindowActiveValue.get() == 1;

  public CanaryMetrics(
      MeterRegistry registry,
      MetricsProperties properties,
      Clock clock,
      ObjectProvider<BuildProperties> build) {
    this.registry = registry;
    this.clock = clock;
    this.properties = properties;
    this.verificationDuration =
        Timer.builder("canary.verification.duration")
            .description("Time a full verification took (one paginated LIST per kind)")
            .serviceLevelObjectives(array(properties.verificationDurationBuckets()))
            .register(registry);
    this.detectionLatency =
        Timer.builder("canary.detection.latency")
            .description(
                "From the watch event of a change to its incident being recorded in the ledger")
            .serviceLevelObjectives(array(properties.detectionLatencyBuckets()))
            .register(registry);
    Gauge.builder("canary.incidents.open", this, m -> m.openIncidents.getAsInt())
        .description("Incidents of this cluster that are not resolved")
        .register(registry);
    Gauge.builder("canary.last.verification.success.timestamp", this, CanaryMetrics::lastSuccess)
        .description(
            "When the last full verification that observed every kind finished (0: none yet)")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("canary.blind", this, m -> m.blind.getAsBoolean() ? 1 : 0)
        .description("1 while some sentinels cannot be observed (blind is not lost)")
        .register(registry);
    Gauge.builder("canary.leader", this, m -> m.leader.getAsBoolean() ? 1 : 0)
        .description("1 while this replica is the leader that seeds, verifies and alerts")
        .register(registry);
    Gauge.builder("canary.alert.outbox.pending", this, m -> m.outboxPending.getAsLong())
        .description("Alerts waiting in the outbox for delivery")
        .register(registry);
    Gauge.builder(
            "canary.maintenance.window.active",
            this,
            m -> m.maintenanceWindowActive.getAsBoolean() ? 1 : 0)
        .description("1 while a maintenance window declares changes to sentinels as expected")
        .register(registry);
    String version =
        Optional.ofNullable(build.getIfAvailable())
            .map(BuildProperties::getVersion)
            .orElse(UNKNOWN);
    Gauge.builder("canary.build.info", () -> 1)
        .description("Always 1; the agent's version is the tag")
        .tag("version", version)
        .register(registry);
  }

  // ---- recording methods (push)

  /** A full verification finished after {@code took}. */
  public void verificationCompleted(Duration took) {
    verificationDuration.record(took);
  }

  /**
   * A change seen by the watch at {@code eventSeenAt} was recorded in an incident at {@code at}.
   */
  public void detected(Instant eventSeenAt, Instant recordedAt) {
    Duration latency = Duration.between(eventSeenAt, recordedAt);
    detectionLatency.record(latency.isNegative() ? Duration.ZERO : latency);
  }

  /** A sentinel of this set and kind was reported lost (counted once per incident item). */
  public void sentinelLost(String set, String kind) {
    lossCounter(set, kind).increment();
  }

  /** An ops-tool run finished with this verdict after {@code took}. */
  public void toolRunCompleted(String tool, String verdict, Duration took) {
    toolRuns(tool, verdict).increment();
    Timer.builder("canary.tool.run.duration")
        .description("How long a bracketed ops-tool run took")
        .tags(Tags.of("tool", tag(tool)))
        .serviceLevelObjectives(array(properties.toolRunDurationBuckets()))
        .register(registry)
        .record(took.isNegative() ? Duration.ZERO : took);
  }

  /** A new version of an ops tool was deployed (a Grafana annotation source). */
  public void toolDeployed(String tool) {
    toolDeployments(tool).increment();
  }

  /**
   * One delivery attempt of an alert to a channel, e.g. outcome {@code delivered} or {@code
   * failed}.
   */
  public void alertDelivered(String channel, String outcome) {
    alertDeliveries(channel, outcome).increment();
  }

  /**
   * One incident item's attribution was settled: {@code source} is the observer that named the
   * actor ({@code admission}, {@code audit}, {@code run}) or {@code unknown}.
   */
  public void itemAttributed(String source) {
    Counter.builder("canary.attribution.items")
        .description("Incident items attributed, by the source that named the actor (or unknown)")
        .tags(Tags.of("source", tag(source)))
        .register(registry)
        .increment();
  }

  /**
   * One request to an observer endpoint ({@code admission} or {@code audit}) was answered with this
   * outcome ({@code recorded}, {@code ignored}, {@code invalid}) after {@code took}.
   */
  public void observerRequest(String source, String outcome, Duration took) {
    Timer.builder("canary.attribution.observer.requests")
        .description("Requests to the attribution observer endpoints and how long they took")
        .tags(Tags.of("source", tag(source), "outcome", tag(outcome)))
        .serviceLevelObjectives(OBSERVER_BUCKETS)
        .register(registry)
        .record(took.isNegative() ? Duration.ZERO : took);
  }

  /** How many alerts wait in the outbox now (or use {@link #bindOutboxPending}). */
  public void outboxPending(long pending) {
    outboxPendingValue.set(Math.max(0, pending));
  }

  /** Whether a maintenance window is active now (or use {@link #bindMaintenanceWindowActive}). */
  public void maintenanceWindowActive(boolean active) {
    maintenanceWindowActiveValue.set(active ? 1 : 0);
  }

  /**
   * The newest PVC snapshot of this set was taken at {@code takenAt}; the age gauge grows from it.
   */
  public void pvcSnapshotTaken(String set, Instant takenAt) {
    String key = tag(set);
    if (snapshotTakenAt.put(key, Objects.requireNonNull(takenAt, "takenAt")) == null) {
      Gauge.builder("canary.pvc.snapshot.age", () -> ageSeconds(snapshotTakenAt.get(key)))
          .description("Age of the newest PVC snapshot of the set")
          .tags(Tags.of("set", key))
          .baseUnit("seconds")
          .register(registry);
    }
  }

  // ---- bindings (pull at scrape time)

  /**
   * Registers one {@code canary_sentinels} series per group (every state of every set and kind, so
   * a state at 0 is a series too); {@code counts} is read at scrape time, groups it lacks are 0.
   */
  public void bindSentinels(
      Collection<SentinelGroup> groups, Supplier<Map<SentinelGroup, Long>> counts) {
    for (SentinelGroup group : groups) {
      Gauge.builder("canary.sentinels", counts, c -> c.get().getOrDefault(group, 0L).doubleValue())
          .description("Sentinels by set, kind and state")
          .strongReference(true)
          .tags(Tags.of("set", group.set(), "kind", group.kind(), "state", group.state()))
          .register(registry);
    }
  }

  /**
   * Starts the loss counter of every set and kind at 0, so that {@code increase()} sees the first
   * loss (a counter series that first appears at 1 has no increase).
   */
  public void declareSentinelKinds(Collection<SentinelGroup> groups) {
    groups.forEach(g -> lossCounter(g.set(), g.kind()));
  }

  /**
   * Starts the tool counters of these tools at 0 for every verdict (call once the tool policies are
   * loaded), so that the first failed run is an {@code increase()} and the dashboard shows 0.
   */
  public void declareTools(Collection<String> tools, Collection<String> verdicts) {
    for (String tool : tools) {
      toolDeployments(tool);
      verdicts.forEach(verdict -> toolRuns(tool, verdict));
    }
  }

  /** Starts the delivery counters of these channels at 0 for every outcome. */
  public void declareAlertChannels(Collection<String> channels, Collection<String> outcomes) {
    for (String channel : channels) {
      outcomes.forEach(outcome -> alertDeliveries(channel, outcome));
    }
  }

  /**
   * Registers {@code canary_agent_state}: 1 for the current state, 0 for the others.
   *
   * @param states every state the agent can be in
   */
  public void bindAgentState(List<String> states, Supplier<String> current) {
    for (String state : states) {
      Gauge.builder("canary.agent.state", current, c -> state.equals(c.get()) ? 1 : 0)
          .description("1 for the agent's current state (STARTING, HEALTHY, LOSS, BLIND)")
          .strongReference(true)
          .tags(Tags.of("state", state))
          .register(registry);
    }
  }

  /**
   * Registers {@code canary_oldest_sentinel_age_seconds} per set: now minus the seeded-at time of
   * the set's oldest present sentinel; NaN while unknown (before the first verification).
   */
  public void bindOldestSentinel(
      Collection<String> sets, Function<String, Optional<Instant>> oldestSeededAt) {
    for (String set : sets) {
      if (boundSentinelSets.add(set)) {
        Gauge.builder(
                "canary.oldest.sentinel.age",
                oldestSeededAt,
                f -> f.apply(set).map(this::ageSeconds).orElse(Double.NaN))
            .description(
                "Age of the set's oldest present sentinel: how long the environment has lived")
            .strongReference(true)
            .tags(Tags.of("set", set))
            .baseUnit("seconds")
            .register(registry);
      }
    }
  }

  /** The outbox backlog, read at scrape time; replaces {@link #outboxPending(long)}. */
  public void bindOutboxPending(LongSupplier pending) {
    Objects.requireNonNull(pending);
    this.outboxPending = () -> Math.max(0, pending.getAsLong());
  }

  /** Whether a window is active, read at scrape time; replaces the setter. */
  public void bindMaintenanceWindowActive(BooleanSupplier active) {
    this.maintenanceWindowActive = Objects.requireNonNull(active);
  }

  public void bindBlind(BooleanSupplier blind) {
    this.blind = Objects.requireNonNull(blind);
  }

  public void bindLeader(BooleanSupplier leader) {
    this.leader = Objects.requireNonNull(leader);
  }

  public void bindOpenIncidents(IntSupplier openIncidents) {
    this.openIncidents = Objects.requireNonNull(openIncidents);
  }

  public void bindLastSuccessfulVerification(Supplier<Optional<Instant>> at) {
    this.lastSuccessfulVerification = Objects.requireNonNull(at);
  }

  // ----

  private Counter lossCounter(String set, String kind) {
    return Counter.builder("canary.sentinel.losses")
        .description("Sentinels reported lost, replaced, modified or degraded in an incident")
        .tags(Tags.of("set", tag(set), "kind", tag(kind)))
        .register(registry);
  }

  private Counter toolRuns(String tool, String verdict) {
    return Counter.builder("canary.tool.runs")
        .description("Ops-tool runs the agent bracketed, by verdict")
        .tags(Tags.of("tool", tag(tool), "verdict", tag(verdict)))
        .register(registry);
  }

  private Counter toolDeployments(String tool) {
    return Counter.builder("canary.tool.deployments")
        .description("Deployments of ops tools the agent watches")
        .tags(Tags.of("tool", tag(tool)))
        .register(registry);
  }

  private Counter alertDeliveries(String channel, String outcome) {
    return Counter.builder("canary.alert.deliveries")
        .description("Alert delivery attempts by channel and outcome")
        .tags(Tags.of("channel", tag(channel), "outcome", tag(outcome)))
        .register(registry);
  }

  private double lastSuccess() {
    return lastSuccessfulVerification.get().map(i -> i.toEpochMilli() / 1000.0).orElse(0.0);
  }

  private double ageSeconds(Instant since) {
    if (since == null) {
      return Double.NaN;
    }
    return Math.max(0, Duration.between(since, clock.instant()).toMillis() / 1000.0);
  }

  private static String tag(String value) {
    return value == null || value.isBlank() ? UNKNOWN : value;
  }

  private static Duration[] array(List<Duration> buckets) {
    return buckets.stream().sorted().distinct().toArray(Duration[]::new);
  }
}
