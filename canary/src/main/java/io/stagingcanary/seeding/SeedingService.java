package io.stagingcanary.seeding;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.cluster.ClusterReader;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.fixtures.Fingerprints;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.fixtures.SentinelFixture;
import io.stagingcanary.fixtures.SentinelLabels;
import io.stagingcanary.fixtures.SentinelSet;
import io.stagingcanary.fixtures.TenantFixture;
import io.stagingcanary.seeding.SeedOutcome.Result;
import io.stagingcanary.store.ClusterRecord;
import io.stagingcanary.store.Ledger;
import io.stagingcanary.store.LedgerEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Seeds sentinel sets idempotently: creates what has never been seeded, updates owned sentinels
 * whose fixture changed, leaves everything else alone. A sentinel that the ledger knows but the
 * cluster lacks is a loss and is NOT re-created here (no silent self-healing).
 */
@Service
public class SeedingService {

  private static final Logger log = LoggerFactory.getLogger(SeedingService.class);

  private final ClusterReader reader;
  private final GuardedMutations mutations;
  private final Ledger ledger;
  private final Clock clock;

  public SeedingService(
      ClusterReader reader, GuardedMutations mutations, Ledger ledger, Clock clock) {
    this.reader = reader;
    this.mutations = mutations;
    this.ledger = ledger;
    this.clock = clock;
  }

  public SeedReport seed(ClusterIdentity cluster, List<SentinelSet> sets) {
    String runId = "seed-" + UUID.randomUUID().toString().substring(0, 8);
    Instant started = clock.instant();
    Map<ResourceKey, LedgerEntry> owned = new HashMap<>();
    for (LedgerEntry entry : ledger.findAll(cluster.id())) {
      owned.put(entry.key(), entry);
    }
    Map<ResourceKey, LedgerEntry> previous = previousIdentities(cluster);
    List<SeedOutcome> outcomes = new ArrayList<>();
    for (SentinelSet set : sets) {
      for (KindSpec kind : set.kinds()) {
        List<SentinelFixture> ofKind = sentinelsOfKind(set, kind);
        if (ofKind.isEmpty()) {
          continue;
        }
        Map<ResourceKey, GenericKubernetesResource> live = listSentinels(set, kind);
        for (SentinelFixture sentinel : ofKind) {
          SeedOutcome outcome =
              seedOne(
                  cluster,
                  sentinel,
                  owned.get(sentinel.key()),
                  live.get(sentinel.key()),
                  previous.get(sentinel.key()));
          logOutcome(runId, outcome);
          outcomes.add(outcome);
        }
      }
    }
    SeedReport report =
        new SeedReport(
            runId, cluster.id(), started, Duration.between(started, clock.instant()), outcomes);
    log.info(
        "Seeding {} on cluster {} finished in {} ms: {}",
        runId,
        cluster.name(),
        report.took().toMillis(),
        report.counts());
    return report;
  }

  /**
   * Re-creates lost sentinels of a stored incident: each gets a new uid in the ledger and a bumped
   * seed generation. The guarded path still refuses anything that exists.
   */
  public List<SeedOutcome> reseed(
      ClusterIdentity cluster, List<SentinelFixture> lost, String incidentId) {
    List<SeedOutcome> outcomes = new ArrayList<>();
    for (SentinelFixture sentinel : seedingOrder(lost)) {
      Optional<LedgerEntry> entry = ledger.find(cluster.id(), sentinel.key());
      if (entry.isEmpty()) {
        continue;
      }
      SeedOutcome outcome;
      try {
        MutationResult result = createAndRecord(cluster, sentinel, entry.get().generation() + 1);
        if (result instanceof MutationResult.Done) {
          outcome =
              new SeedOutcome(
                  sentinel,
                  Result.CREATED,
                  "re-seeded after "
                      + incidentId
                      + " as generation "
                      + (entry.get().generation() + 1));
        } else {
          outcome = refused(sentinel, (MutationResult.Refused) result, "it stays lost");
        }
      } catch (KubernetesClientException e) {
        outcome =
            new SeedOutcome(
                sentinel, Result.MISSING, "re-seed failed, will retry: " + e.getMessage());
      }
      logOutcome(incidentId, outcome);
      outcomes.add(outcome);
    }
    log.info(
        "Re-seeded {} sentinels after {}",
        outcomes.stream().filter(o -> o.result() == Result.CREATED).count(),
        incidentId);
    return outcomes;
  }

  /**
   * What earlier identities of this cluster (same {@code canary.cluster-name}, another id)
   * recorded, most recently seen last: a live object with one of these uids is provably the
   * canary's.
   */
  private Map<ResourceKey, LedgerEntry> previousIdentities(ClusterIdentity cluster) {
    Map<ResourceKey, LedgerEntry> previous = new HashMap<>();
    ledger.clusters().stream()
        .filter(c -> c.clusterName().equals(cluster.name()) && !c.clusterId().equals(cluster.id()))
        .sorted(Comparator.comparing(ClusterRecord::lastSeenAt))
        .forEach(c -> ledger.findAll(c.clusterId()).forEach(e -> previous.put(e.key(), e)));
    return previous;
  }

  /** Creates the sentinel through the guarded path and, if it was created, records it. */
  private MutationResult createAndRecord(
      ClusterIdentity cluster, SentinelFixture sentinel, int generation) {
    Instant seededAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Map<String, Object> desired = withSeededAt(sentinel.manifest(), seededAt);
    MutationResult result =
        mutations.create(cluster.id(), sentinel.kindSpec(), sentinel.key(), desired);
    if (result instanceof MutationResult.Done done) {
      ledger.save(
          LedgerEntry.builder()
              .clusterId(cluster.id())
              .key(sentinel.key())
              .owner(sentinel.set(), sentinel.tenant())
              .server(done.uid(), done.resourceVersion())
              .content(Fingerprints.of(sentinel.manifest()), Serialization.asJson(desired))
              .seededAt(seededAt)
              .generation(generation)
              .build());
    }
    return result;
  }

  /** Cluster-scoped kinds (namespaces first) before namespaced ones. */
  private static List<SentinelFixture> seedingOrder(List<SentinelFixture> sentinels) {
    return sentinels.stream()
        .sorted(
            Comparator.comparing((SentinelFixture s) -> s.kindSpec().namespaced())
                .thenComparing(s -> !"Namespace".equals(s.key().kind()))
                .thenComparing(SentinelFixture::key))
        .toList();
  }

  private SeedOutcome seedOne(
      ClusterIdentity cluster,
      SentinelFixture sentinel,
      LedgerEntry entry,
      GenericKubernetesResource live,
      LedgerEntry previous) {
    String fingerprint = Fingerprints.of(sentinel.manifest());
    if (entry == null) {
      if (live != null
          && previous != null
          && previous.uid() != null
          && previous.uid().equals(live.getMetadata().getUid())) {
        ledger.save(
            LedgerEntry.builder()
                .clusterId(cluster.id())
                .key(previous.key())
                .owner(previous.set(), previous.tenant())
                .server(previous.uid(), live.getMetadata().getResourceVersion())
                .content(previous.fingerprint(), previous.manifestJson())
                .seededAt(previous.seededAt())
                .generation(previous.generation())
                .build());
        return new SeedOutcome(
            sentinel,
            Result.ADOPTED,
            "uid " + previous.uid() + " recorded under cluster id " + previous.clusterId());
      }
      if (live != null) {
        return new SeedOutcome(
            sentinel,
            Result.CONFLICT,
            "an object labelled as a sentinel exists but is not in this cluster's ledger"
                + " (uid "
                + live.getMetadata().getUid()
                + "); it is left untouched");
      }
      MutationResult result = createAndRecord(cluster, sentinel, 1);
      if (result instanceof MutationResult.Done done) {
        return new SeedOutcome(sentinel, Result.CREATED, "uid " + done.uid());
      }
      return refused(sentinel, (MutationResult.Refused) result, "not seeded");
    }
    if (live == null) {
      return new SeedOutcome(
          sentinel, Result.MISSING, "seeded as uid " + entry.uid() + " but no longer present");
    }
    if (!entry.uid().equals(live.getMetadata().getUid())) {
      return new SeedOutcome(
          sentinel,
          Result.CONFLICT,
          "replaced: uid " + live.getMetadata().getUid() + " is not the seeded " + entry.uid());
    }
    if (fingerprint.equals(entry.fingerprint())) {
      return new SeedOutcome(sentinel, Result.UNCHANGED, "uid " + entry.uid());
    }
    Map<String, Object> desired = withSeededAt(sentinel.manifest(), entry.seededAt());
    MutationResult result =
        mutations.update(cluster.id(), sentinel.kindSpec(), sentinel.key(), desired);
    if (result instanceof MutationResult.Done done) {
      ledger.save(
          LedgerEntry.builder()
              .clusterId(cluster.id())
              .key(sentinel.key())
              .owner(sentinel.set(), sentinel.tenant())
              .server(entry.uid(), done.resourceVersion())
              .content(fingerprint, Serialization.asJson(desired))
              .seededAt(entry.seededAt())
              .generation(entry.generation())
              .build());
      return new SeedOutcome(sentinel, Result.UPDATED, "fixture changed; uid " + entry.uid());
    }
    return refused(sentinel, (MutationResult.Refused) result, "not updated");
  }

  /**
   * A refusal of the guarded path: {@code REFUSED} when the namespace is not the canary's to write
   * into, {@code CONFLICT} when the object's identity is held by something else.
   */
  private static SeedOutcome refused(
      SentinelFixture sentinel, MutationResult.Refused refusal, String consequence) {
    if (refusal.target() == MutationResult.Target.NAMESPACE) {
      return new SeedOutcome(sentinel, Result.REFUSED, refusal.reason() + "; " + consequence);
    }
    return new SeedOutcome(sentinel, Result.CONFLICT, refusal.reason() + "; untouched");
  }

  private Map<ResourceKey, GenericKubernetesResource> listSentinels(
      SentinelSet set, KindSpec kind) {
    String selector = SentinelLabels.SELECTOR + "," + SentinelLabels.SET + "=" + set.name();
    Map<ResourceKey, GenericKubernetesResource> byKey = new HashMap<>();
    for (GenericKubernetesResource item :
        reader.list(kind, selector, ClusterReader.DEFAULT_PAGE_SIZE).items()) {
      byKey.put(
          new ResourceKey(
              kind.apiVersion(),
              kind.kind(),
              kind.namespaced() ? item.getMetadata().getNamespace() : null,
              item.getMetadata().getName()),
          item);
    }
    return byKey;
  }

  private static List<SentinelFixture> sentinelsOfKind(SentinelSet set, KindSpec kind) {
    List<SentinelFixture> result = new ArrayList<>();
    for (TenantFixture tenant : set.tenants()) {
      for (SentinelFixture sentinel : tenant.sentinels()) {
        if (sentinel.kindSpec().equals(kind)) {
          result.add(sentinel);
        }
      }
    }
    return result;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> withSeededAt(Map<String, Object> manifest, Instant seededAt) {
    Map<String, Object> copy = deepCopy(manifest);
    Map<String, Object> metadata =
        (Map<String, Object>) copy.computeIfAbsent("metadata", k -> new LinkedHashMap<>());
    Map<String, Object> annotations =
        (Map<String, Object>) metadata.computeIfAbsent("annotations", k -> new LinkedHashMap<>());
    annotations.put(SentinelLabels.SEEDED_AT, seededAt.toString());
    return copy;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> deepCopy(Map<String, Object> source) {
    Map<String, Object> copy = new LinkedHashMap<>();
    source.forEach((key, value) -> copy.put(key, deepCopyValue(value)));
    return copy;
  }

  @SuppressWarnings("unchecked")
  private static Object deepCopyValue(Object value) {
    if (value instanceof Map<?, ?> map) {
      return deepCopy((Map<String, Object>) map);
    }
    if (value instanceof List<?> list) {
      return list.stream().map(SeedingService::deepCopyValue).toList();
    }
    return value;
  }

  private static void logOutcome(String runId, SeedOutcome outcome) {
    SentinelFixture s = outcome.sentinel();
    switch (outcome.result()) {
      case CONFLICT, MISSING, REFUSED ->
          log.warn(
              "{} set={} tenant={} {}: {} — {}",
              runId,
              s.set(),
              s.tenant(),
              s.key(),
              outcome.result(),
              outcome.detail());
      case CREATED, UPDATED, ADOPTED ->
          log.debug(
              "{} set={} tenant={} {}: {}", runId, s.set(), s.tenant(), s.key(), outcome.result());
      case UNCHANGED -> {}
    }
  }
}
