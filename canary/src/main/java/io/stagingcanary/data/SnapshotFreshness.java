package io.stagingcanary.data;

import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.fixtures.FixtureCatalog;
import io.stagingcanary.fixtures.SentinelFixture;
import io.stagingcanary.leader.Leadership;
import io.stagingcanary.metrics.CanaryMetrics;
import io.stagingcanary.platform.ComponentExecutor;
import io.stagingcanary.platform.ComponentExecutors;
import io.stagingcanary.seeding.SeedingCompleted;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Where the cluster serves {@code snapshot.storage.k8s.io/v1}: for each sentinel PVC the newest
 * ready VolumeSnapshot, and per set the oldest of those (the gauge {@code
 * canary_pvc_snapshot_age_seconds{set}} is the max age over the set's claims). Read-only: one LIST
 * of VolumeSnapshots per sentinel namespace every {@code canary.data.snapshot-interval}. Without
 * the API the feature reports itself off.
 */
@Service
public class SnapshotFreshness implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(SnapshotFreshness.class);
  static final String GROUP_VERSION = "snapshot.storage.k8s.io/v1";
  private static final ResourceDefinitionContext SNAPSHOTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("snapshot.storage.k8s.io")
          .withVersion("v1")
          .withKind("VolumeSnapshot")
          .withPlural("volumesnapshots")
          .withNamespaced(true)
          .build();

  private final KubernetesClient client;
  private final Supplier<List<SentinelFixture>> sentinels;
  private final CanaryMetrics metrics;
  private final Leadership leadership;
  private final Clock clock;
  private final Duration interval;
  private final ComponentExecutor executor;

  private final AtomicBoolean started = new AtomicBoolean();
  private volatile Report report = new Report(false, "not checked yet", null, List.of());

  /** One claim's newest ready snapshot, or none. */
  public record ClaimSnapshot(
      String set,
      String tenant,
      String namespace,
      String claim,
      String snapshot,
      Instant takenAt,
      Long ageSeconds) {}

  /** What {@code GET /api/v1/sentinels/data} shows under {@code snapshots}. */
  public record Report(
      boolean enabled, String reason, Instant checkedAt, List<ClaimSnapshot> claims) {}

  @Autowired
  public SnapshotFreshness(
      KubernetesClient client,
      FixtureCatalog fixtures,
      CanaryMetrics metrics,
      Leadership leadership,
      DataProperties properties,
      Clock clock,
      ComponentExecutors executors) {
    this(
        client,
        fixtures::sentinels,
        metrics,
        leadership,
        properties.snapshotInterval(),
        clock,
        executors);
  }

  SnapshotFreshness(
      KubernetesClient client,
      Supplier<List<SentinelFixture>> sentinels,
      CanaryMetrics metrics,
      Leadership leadership,
      Duration interval,
      Clock clock,
      ComponentExecutors executors) {
    this.client = client;
    this.sentinels = sentinels;
    this.metrics = metrics;
    this.leadership = leadership;
    this.clock = clock;
    this.interval = interval;
    this.executor = executors.single("snapshots");
  }

  @EventListener
  public void onSeeded(SeedingCompleted completed) {
    if (started.compareAndSet(false, true)) {
      executor.scheduleWithFixedDelay(this::refreshGuarded, Duration.ZERO, interval);
    }
  }

  public Report report() {
    return report;
  }

  private void refreshGuarded() {
    try {
      refresh();
    } catch (KubernetesClientException e) {
      log.warn("Snapshot freshness not refreshed, will retry: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("Snapshot freshness not refreshed, will retry: {}", e.toString());
    }
  }

  /** Reads the snapshots now and feeds the age gauge (leader only; the others keep the report). */
  public Report refresh() {
    if (!leadership.isLeader()) {
      return report;
    }
    Instant now = clock.instant();
    if (!served()) {
      if (report.enabled() || report.checkedAt() == null) {
        log.info(
            "Snapshot freshness is off: the cluster does not serve {} (VolumeSnapshot)",
            GROUP_VERSION);
      }
      report = new Report(false, "the cluster does not serve " + GROUP_VERSION, now, List.of());
      return report;
    }
    Map<String, List<GenericKubernetesResource>> byNamespace = new HashMap<>();
    List<ClaimSnapshot> claims = new ArrayList<>();
    Map<String, Instant> oldestNewestBySet = new LinkedHashMap<>();
    for (SentinelFixture claim : claimFixtures()) {
      ResourceKey key = claim.key();
      List<GenericKubernetesResource> snapshots =
          byNamespace.computeIfAbsent(
              key.namespace(),
              ns -> client.genericKubernetesResources(SNAPSHOTS).inNamespace(ns).list().getItems());
      Optional<GenericKubernetesResource> newest =
          snapshots.stream()
              .filter(s -> key.name().equals(sourceClaim(s)) && readyToUse(s))
              .filter(s -> takenAt(s) != null)
              .max((a, b) -> takenAt(a).compareTo(takenAt(b)));
      Instant takenAt = newest.map(SnapshotFreshness::takenAt).orElse(null);
      claims.add(
          new ClaimSnapshot(
              claim.set(),
              claim.tenant(),
              key.namespace(),
              key.name(),
              newest.map(s -> s.getMetadata().getName()).orElse(null),
              takenAt,
              takenAt == null ? null : Duration.between(takenAt, now).toSeconds()));
      if (takenAt != null) {
        oldestNewestBySet.merge(claim.set(), takenAt, (a, b) -> a.isBefore(b) ? a : b);
      }
    }
    oldestNewestBySet.forEach(metrics::pvcSnapshotTaken);
    if (!report.enabled()) {
      log.info("Snapshot freshness is on: {} sentinel claims", claims.size());
    }
    report = new Report(true, null, now, List.copyOf(claims));
    return report;
  }

  private boolean served() {
    try {
      APIResourceList resources = client.getApiResources(GROUP_VERSION);
      return resources != null
          && resources.getResources() != null
          && resources.getResources().stream().anyMatch(r -> "volumesnapshots".equals(r.getName()));
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  private List<SentinelFixture> claimFixtures() {
    return sentinels.get().stream()
        .filter(
            s ->
                "PersistentVolumeClaim".equals(s.key().kind()) && "v1".equals(s.key().apiVersion()))
        .toList();
  }

  private static String sourceClaim(GenericKubernetesResource snapshot) {
    Object spec = snapshot.getAdditionalProperties().get("spec");
    Object source = spec instanceof Map<?, ?> m ? m.get("source") : null;
    Object claim = source instanceof Map<?, ?> m ? m.get("persistentVolumeClaimName") : null;
    return claim == null ? null : claim.toString();
  }

  private static boolean readyToUse(GenericKubernetesResource snapshot) {
    Object status = snapshot.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("readyToUse"));
  }

  /** status.creationTime (when the storage took it), else metadata.creationTimestamp. */
  private static Instant takenAt(GenericKubernetesResource snapshot) {
    Object status = snapshot.getAdditionalProperties().get("status");
    Object time = status instanceof Map<?, ?> m ? m.get("creationTime") : null;
    String text = time != null ? time.toString() : snapshot.getMetadata().getCreationTimestamp();
    try {
      return text == null ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  @Override
  public void destroy() {
    executor.close();
  }
}
