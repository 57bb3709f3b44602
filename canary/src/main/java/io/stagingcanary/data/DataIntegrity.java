package io.stagingcanary.data;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.data.DataRecord.CheckState;
import io.stagingcanary.data.DataRecord.WriteState;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.fixtures.FixtureCatalog;
import io.stagingcanary.fixtures.SentinelFixture;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentSealed;
import io.stagingcanary.leader.Leadership;
import io.stagingcanary.platform.ComponentExecutor;
import io.stagingcanary.platform.ComponentExecutors;
import io.stagingcanary.runs.RunCompleted;
import io.stagingcanary.seeding.GuardedMutations;
import io.stagingcanary.seeding.SeedingCompleted;
import io.stagingcanary.store.Ledger;
import io.stagingcanary.store.LedgerEntry;
import io.stagingcanary.verification.ExtraDegradations;
import io.stagingcanary.verification.VerificationRequests;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Proves the bytes inside sentinel PVCs survive. After seeding, a writer Job fills each claim with
 * content derived from its identity and seed generation and the ledger records the digest; checker
 * Jobs read it back (read-only) every {@code canary.data.check-interval}, after every tool run that
 * touched the claim's tenant, and on demand. Lost content makes the PVC sentinel DEGRADED with a
 * {@code data:} reason (an incident and an alert); a checker that cannot run is UNKNOWN, never a
 * loss. Only the leader acts; every replica answers reads.
 */
@Service
public class DataIntegrity implements ExtraDegradations, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(DataIntegrity.class);
  private static final String PVC = "PersistentVolumeClaim";

  private final DataProperties properties;
  private final CanaryProperties canary;
  private final DataLedger dataLedger;
  private final Ledger ledger;
  private final FixtureCatalog fixtures;
  private final VerificationRequests verifications;
  private final Leadership leadership;
  private final Clock clock;
  private final DataJobs jobs;
  private final JobRunner runner;
  private final ComponentExecutor executor;

  private volatile ClusterIdentity cluster;
  private volatile Map<ResourceKey, List<String>> degradations = Map.of();

  public DataIntegrity(
      DataProperties properties,
      CanaryProperties canary,
      DataLedger dataLedger,
      Ledger ledger,
      FixtureCatalog fixtures,
      KubernetesClient client,
      GuardedMutations mutations,
      VerificationRequests verifications,
      Leadership leadership,
      Clock clock,
      ComponentExecutors executors) {
    this.properties = properties;
    this.canary = canary;
    this.dataLedger = dataLedger;
    this.ledger = ledger;
    this.fixtures = fixtures;
    this.verifications = verifications;
    this.leadership = leadership;
    this.clock = clock;
    this.executor = executors.single("data");
    this.jobs = new DataJobs(properties);
    this.runner =
        new JobRunner(client, mutations, clock, properties.jobTimeout(), properties.pollInterval());
    verifications.register(this);
  }

  /** One claim as {@code GET /api/v1/sentinels/data} shows it. */
  public record ClaimView(
      String set,
      String tenant,
      String namespace,
      String claim,
      Integer generation,
      Long sizeBytes,
      String expectedSha256,
      String writeState,
      Instant writtenAt,
      String state,
      String detail,
      Instant checkedAt) {}

  public boolean enabled() {
    return properties.enabled();
  }

  @Override
  public Map<ResourceKey, List<String>> reasons() {
    return degradations;
  }

  @EventListener
  public void onSeeded(SeedingCompleted completed) {
    boolean first = cluster == null;
    cluster = completed.cluster();
    if (!properties.enabled()) {
      log.info("Data integrity checks are off (canary.data.enabled=false)");
      return;
    }
    executor.execute(() -> guarded(() -> writeMissing(c -> true)));
    if (first) {
      Duration interval = properties.checkInterval();
      executor.scheduleWithFixedDelay(() -> guarded(() -> round(c -> true)), interval, interval);
    }
  }

  /** Re-checks the claims of the tenants a tool run touched. */
  @EventListener
  public void onRunCompleted(RunCompleted run) {
    if (!properties.enabled() || cluster == null || run.touchedTenants().isEmpty()) {
      return;
    }
    Set<RunCompleted.TenantRef> touched = Set.copyOf(run.touchedTenants());
    log.info("Run {}: re-checking the data of tenants {}", run.runId(), touched);
    executor.execute(
        () ->
            guarded(
                () ->
                    round(c -> touched.contains(new RunCompleted.TenantRef(c.set(), c.tenant())))));
  }

  /**
   * After a data loss is stored as an incident (re-seed mode {@code after-incident}), the content
   * of its claims is written again; never before the loss is recorded.
   */
  @EventListener
  public void onIncidentSealed(IncidentSealed sealed) {
    if (!properties.enabled()
        || cluster == null
        || canary.reseed().mode() != CanaryProperties.ReseedMode.AFTER_INCIDENT) {
      return;
    }
    Set<ResourceKey> keys =
        sealed.incident().items().stream().map(Incident.Item::key).collect(Collectors.toSet());
    Set<ResourceKey> lost =
        keys.stream().filter(degradations::containsKey).collect(Collectors.toSet());
    if (!lost.isEmpty()) {
      executor.execute(
          () ->
              guarded(
                  () -> {
                    rewrite(lost, sealed.incident().id());
                    round(c -> lost.contains(keyOf(c.namespace(), c.claim())));
                  }));
    }
  }

  /** Writes what is missing, checks every written claim, and returns the claims (blocking). */
  public List<ClaimView> checkNow() {
    if (!properties.enabled()) {
      return claims();
    }
    call(
        () -> {
          writeMissing(c -> true);
          round(c -> true);
          return null;
        });
    return claims();
  }

  /** Every PVC sentinel with what the canary knows about its content. */
  public List<ClaimView> claims() {
    ClusterIdentity current = cluster;
    Map<String, DataRecord> records = new HashMap<>();
    if (current != null) {
      dataLedger
          .findAll(current.id())
          .forEach(r -> records.put(r.namespace() + "/" + r.claim(), r));
    }
    List<ClaimView> views = new ArrayList<>();
    for (SentinelFixture claim : claimFixtures()) {
      DataRecord r = records.get(claim.key().namespace() + "/" + claim.key().name());
      String state =
          !properties.enabled()
              ? "OFF"
              : r == null || r.checkState() == null ? "PENDING" : r.checkState().name();
      views.add(
          new ClaimView(
              claim.set(),
              claim.tenant(),
              claim.key().namespace(),
              claim.key().name(),
              r == null ? null : r.generation(),
              r == null ? null : r.sizeBytes(),
              r == null ? null : r.expectedSha256(),
              r == null ? null : r.writeState().name(),
              r == null ? null : r.writtenAt(),
              state,
              !properties.enabled()
                  ? "data checks are off (canary.data.enabled=false)"
                  : r == null ? null : r.checkDetail(),
              r == null ? null : r.checkedAt()));
    }
    return views;
  }

  // ---- the work, on the data thread

  /** Writes content into owned claims that have none for their current uid and generation. */
  void writeMissing(Predicate<DataRecord> filter) {
    if (!leadership.isLeader() || cluster == null) {
      return;
    }
    ClusterIdentity current = cluster;
    Map<DataRecord, Job> writers = new LinkedHashMap<>();
    Map<DataRecord, String> seeds = new HashMap<>();
    for (LedgerEntry entry : claimEntries(current)) {
      Optional<DataRecord> known =
          dataLedger.find(current.id(), entry.key().namespace(), entry.key().name());
      if (known.isPresent()
          && known.get().claimUid().equals(entry.uid())
          && known.get().generation() == entry.generation()
          && known.get().writeState() == WriteState.WRITTEN) {
        continue;
      }
      DataRecord record = pending(current, entry);
      if (!filter.test(record)) {
        continue;
      }
      dataLedger.save(record);
      String seed =
          DataContent.seed(
              entry.set(),
              entry.tenant(),
              entry.key().namespace(),
              entry.key().name(),
              entry.generation());
      writers.put(record, jobs.writer(record, seed));
      seeds.put(record, seed);
    }
    if (writers.isEmpty()) {
      return;
    }
    log.info("Writing data into {} sentinel claims on cluster {}", writers.size(), current.name());
    runner
        .run(current.id(), writers)
        .forEach(
            (record, outcome) -> {
              Instant now = clock.instant();
              DataRecord next;
              if (outcome instanceof JobOutcome.Succeeded ok
                  && record
                      .expectedSha256()
                      .equals(DataContent.Report.parse(ok.message()).sha256())) {
                next = record.written(WriteState.WRITTEN, now, null);
              } else {
                String why = describe(outcome, "writer");
                next = record.written(WriteState.FAILED, now, why);
                log.warn(
                    "Data writer for claim {}/{} (set={} tenant={}): {}",
                    record.namespace(),
                    record.claim(),
                    record.set(),
                    record.tenant(),
                    why);
              }
              dataLedger.save(next);
            });
  }

  /** Writes and checks the claims matching the filter; updates degradations and re-verifies. */
  void round(Predicate<DataRecord> filter) {
    if (!leadership.isLeader() || cluster == null) {
      return;
    }
    writeMissing(filter);
    ClusterIdentity current = cluster;
    Map<String, LedgerEntry> owned = new HashMap<>();
    claimEntries(current).forEach(e -> owned.put(e.key().namespace() + "/" + e.key().name(), e));
    Map<DataRecord, Job> checkers = new LinkedHashMap<>();
    for (DataRecord record : dataLedger.findAll(current.id())) {
      LedgerEntry entry = owned.get(record.namespace() + "/" + record.claim());
      if (entry != null
          && record.writeState() == WriteState.WRITTEN
          && record.claimUid().equals(entry.uid())
          && filter.test(record)) {
        checkers.put(record, jobs.checker(record));
      }
    }
    if (!checkers.isEmpty()) {
      runner
          .run(current.id(), checkers)
          .forEach((record, outcome) -> dataLedger.save(judge(record, outcome)));
    }
    updateDegradations(current);
  }

  private DataRecord judge(DataRecord record, JobOutcome outcome) {
    Instant now = clock.instant();
    String claim = record.namespace() + "/" + record.claim();
    if (!(outcome instanceof JobOutcome.Succeeded ok)) {
      String why = describe(outcome, "checker");
      if (record.checkState() != null && record.checkState().lost()) {
        log.warn("Data check of claim {} could not run, the loss stands: {}", claim, why);
        return record;
      }
      log.warn("Data check of claim {} is UNKNOWN: {}", claim, why);
      return record.checked(CheckState.UNKNOWN, why, now);
    }
    DataContent.Report report = DataContent.Report.parse(ok.message());
    if (report.missing()) {
      log.warn("Data check of claim {}: the content is MISSING", claim);
      return record.checked(CheckState.MISSING, "data: no content on the claim", now);
    }
    if (report.sha256() == null) {
      return record.checked(
          CheckState.UNKNOWN, "checker reported no digest: '" + ok.message() + "'", now);
    }
    if (!record.expectedSha256().equals(report.sha256())) {
      log.warn("Data check of claim {}: content digest MISMATCH", claim);
      return record.checked(
          CheckState.MISMATCH,
          "data: content sha256 "
              + report.sha256()
              + " is not the seeded "
              + record.expectedSha256(),
          now);
    }
    if (!record.expectedSha256().equals(report.manifest())) {
      return record.checked(
          CheckState.MISMATCH,
          "data: manifest sha256 "
              + report.manifest()
              + " is not the seeded "
              + record.expectedSha256(),
          now);
    }
    return record.checked(CheckState.OK, "content sha256 matches the seeded digest", now);
  }

  private void updateDegradations(ClusterIdentity current) {
    Map<ResourceKey, List<String>> next = new HashMap<>();
    for (DataRecord record : dataLedger.findAll(current.id())) {
      if (record.checkState() != null && record.checkState().lost()) {
        next.put(keyOf(record.namespace(), record.claim()), List.of(record.checkDetail()));
      }
    }
    if (!next.equals(degradations)) {
      degradations = Map.copyOf(next);
      verifications.verifyNow();
    }
  }

  private void rewrite(Set<ResourceKey> keys, String incidentId) {
    ClusterIdentity current = cluster;
    for (DataRecord record : dataLedger.findAll(current.id())) {
      if (keys.contains(keyOf(record.namespace(), record.claim()))) {
        log.info(
            "Re-writing the data of claim {}/{} after incident {}",
            record.namespace(),
            record.claim(),
            incidentId);
        dataLedger.save(record.written(WriteState.PENDING, clock.instant(), "re-writing"));
      }
    }
    writeMissing(r -> keys.contains(keyOf(r.namespace(), r.claim())));
  }

  private DataRecord pending(ClusterIdentity current, LedgerEntry entry) {
    long size = properties.size().toBytes();
    String seed =
        DataContent.seed(
            entry.set(),
            entry.tenant(),
            entry.key().namespace(),
            entry.key().name(),
            entry.generation());
    return DataRecord.builder()
        .clusterId(current.id())
        .claim(entry.key().namespace(), entry.key().name(), entry.uid())
        .owner(entry.set(), entry.tenant())
        .content(entry.generation(), size, DataContent.expectedSha256(seed, size))
        .build();
  }

  private List<LedgerEntry> claimEntries(ClusterIdentity current) {
    Set<ResourceKey> keys =
        claimFixtures().stream().map(SentinelFixture::key).collect(Collectors.toSet());
    return ledger.findAll(current.id()).stream()
        .filter(e -> keys.contains(e.key()) && e.uid() != null)
        .toList();
  }

  private List<SentinelFixture> claimFixtures() {
    return fixtures.sentinels().stream()
        .filter(s -> PVC.equals(s.key().kind()) && "v1".equals(s.key().apiVersion()))
        .toList();
  }

  private static ResourceKey keyOf(String namespace, String claim) {
    return ResourceKey.namespaced("v1", PVC, namespace, claim);
  }

  private static String describe(JobOutcome outcome, String role) {
    if (outcome instanceof JobOutcome.CannotRun c) {
      return role + " could not run: " + c.reason();
    }
    if (outcome instanceof JobOutcome.Failed f) {
      return role + " failed: " + f.reason();
    }
    return role + " reported an unexpected digest: " + ((JobOutcome.Succeeded) outcome).message();
  }

  private <T> T call(Callable<T> work) {
    return executor.call(work);
  }

  private void guarded(Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      log.warn("Data integrity step failed, will retry next round: {}", e.toString());
    }
  }

  @Override
  public void destroy() {
    executor.close();
  }
}
