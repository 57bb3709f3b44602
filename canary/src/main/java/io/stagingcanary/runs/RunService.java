package io.stagingcanary.runs;

import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.diff.Diff;
import io.stagingcanary.diff.DiffResult;
import io.stagingcanary.diff.Escape;
import io.stagingcanary.diff.Finding;
import io.stagingcanary.diff.Json;
import io.stagingcanary.diff.ObservedState;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelResult;
import io.stagingcanary.diff.Snapshot;
import io.stagingcanary.diff.StatusType;
import io.stagingcanary.fixtures.FixtureCatalog;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.fixtures.SentinelFixture;
import io.stagingcanary.fixtures.SentinelSet;
import io.stagingcanary.fixtures.TenantFixture;
import io.stagingcanary.inventory.Inventory;
import io.stagingcanary.leader.Leadership;
import io.stagingcanary.metrics.CanaryMetrics;
import io.stagingcanary.rules.Evaluator;
import io.stagingcanary.rules.ToolPolicy;
import io.stagingcanary.rules.Verdict;
import io.stagingcanary.seeding.ReseedHold;
import io.stagingcanary.seeding.Reseeder;
import io.stagingcanary.verification.SentinelObservations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Brackets ops-tool runs: a preflight and a before snapshot at the start; at the end a settle
 * period, the after snapshot, the two-snapshot diff, the policy's verdict, then (in one
 * transaction) the stored run and, for a FAIL, {@link ToolRunFailed}; after commit {@link
 * RunCompleted}, metrics and the re-seed of bait the run removed as expected.
 */
@Service
public class RunService implements ReseedHold {

  private static final Logger log = LoggerFactory.getLogger(RunService.class);
  private static final Duration POLL = Duration.ofMillis(500);

  private final RunsProperties properties;
  private final CanaryProperties canary;
  private final RunStore store;
  private final PolicyCatalog policies;
  private final FixtureCatalog fixtures;
  private final Inventory inventory;
  private final SentinelObservations observations;
  private final Reseeder reseeder;
  private final Leadership leadership;
  private final CanaryMetrics metrics;
  private final ApplicationEventPublisher events;
  private final Clock clock;
  private final TransactionTemplate transaction;
  private final ObjectProvider<ChangeActors> changeActors;
  private final Map<String, ActiveRun> active = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private final RunWindows windows;
  private volatile Sentinels sentinels;

  public RunService(
      RunsProperties properties,
      CanaryProperties canary,
      RunStore store,
      PolicyCatalog policies,
      FixtureCatalog fixtures,
      Inventory inventory,
      SentinelObservations observations,
      Reseeder reseeder,
      Leadership leadership,
      CanaryMetrics metrics,
      ApplicationEventPublisher events,
      Clock clock,
      TransactionTemplate transaction,
      ObjectProvider<ChangeActors> changeActors) {
    this.properties = properties;
    this.windows = new RunWindows(properties.maxDuration());
    this.canary = canary;
    this.store = store;
    this.policies = policies;
    this.fixtures = fixtures;
    this.inventory = inventory;
    this.observations = observations;
    this.reseeder = reseeder;
    this.leadership = leadership;
    this.metrics = metrics;
    this.events = events;
    this.clock = clock;
    this.transaction = transaction;
    this.changeActors = changeActors;
  }

  /**
   * What a caller asks for when a run begins.
   *
   * @param identity the Kubernetes username the tool acts as; null when not known
   */
  public record BeginRequest(
      String tool,
      String version,
      String commit,
      String pipelineUrl,
      String policy,
      boolean allowUnhealthyBaseline,
      ToolRun.Source source,
      ToolRun.JobRef job,
      String identity) {

    /** A request that does not say who the tool acts as. */
    public BeginRequest(
        String tool,
        String version,
        String commit,
        String pipelineUrl,
        String policy,
        boolean allowUnhealthyBaseline,
        ToolRun.Source source,
        ToolRun.JobRef job) {
      this(tool, version, commit, pipelineUrl, policy, allowUnhealthyBaseline, source, job, null);
    }
  }

  /** A bad request: names the field. */
  public static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String field, String message) {
      super(field + ": " + message);
    }
  }

  /** The baseline is not healthy: the sentinels that are not present. */
  public static final class PreflightFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<SentinelResult> notPresent;

    PreflightFailed(String message, List<SentinelResult> notPresent) {
      super(message);
      this.notPresent = List.copyOf(notPresent);
    }

    public List<SentinelResult> notPresent() {
      return notPresent;
    }
  }

  /** No such run. */
  public static final class NotFound extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotFound(String id) {
      super("no run " + id);
    }
  }

  /** The agent is not ready (cluster not resolved, first verification not done). */
  public static final class NotReady extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotReady(String message) {
      super(message);
    }
  }

  private record ActiveRun(ToolRun run, Snapshot before, ToolPolicy policy) {}

  // ---- begin

  public ToolRun begin(BeginRequest request) {
    String tool = required(request.tool(), "tool");
    String version = required(request.version(), "version");
    if (!tool.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
      throw new BadRequest("tool", "'" + tool + "' is not a tool name (lower-case DNS subdomain)");
    }
    limit("version", version, 253);
    limit("commit", request.commit(), 253);
    limit("pipelineUrl", request.pipelineUrl(), 2048);
    limit("policy", request.policy(), 253);
    limit("identity", request.identity(), 512);
    String policyName =
        request.policy() == null || request.policy().isBlank() ? tool : request.policy();
    Optional<ToolPolicy> policy = policies.find(policyName);
    if (request.policy() != null && !request.policy().isBlank() && policy.isEmpty()) {
      throw new BadRequest(
          "policy",
          "no policy named '" + policyName + "' (known: " + policies.all().keySet() + ")");
    }
    ClusterIdentity cluster = cluster();
    List<SentinelResult> notPresent =
        observations.current().values().stream()
            .filter(r -> r.type() != StatusType.PRESENT)
            .sorted((a, b) -> a.key().compareTo(b.key()))
            .toList();
    if (!notPresent.isEmpty() && !request.allowUnhealthyBaseline()) {
      throw new PreflightFailed(
          notPresent.size()
              + " sentinel(s) are not present (open incident, conflicts or blind); fix the baseline"
              + " or start with allowUnhealthyBaseline",
          notPresent);
    }
    long snapshotStart = System.nanoTime();
    Baseline baseline = baseline();
    Snapshot before = baseline.snapshot();
    long snapshotMillis = (System.nanoTime() - snapshotStart) / 1_000_000;
    if (!before.unobserved().isEmpty() && !request.allowUnhealthyBaseline()) {
      throw new PreflightFailed(
          "the agent is blind to " + before.unobserved().keySet() + ": no baseline", List.of());
    }
    Instant startedAt = before.takenAt().truncatedTo(ChronoUnit.MICROS);
    ToolRun run =
        ToolRun.builder()
            .id(UUID.randomUUID().toString())
            .clusterId(cluster.id())
            .tool(tool, version)
            .commit(blankToNull(request.commit()))
            .pipelineUrl(blankToNull(request.pipelineUrl()))
            .policy(policy.map(ToolPolicy::tool).orElse(null))
            .source(request.source() == null ? ToolRun.Source.API : request.source())
            .job(request.job())
            .identity(blankToNull(request.identity()))
            .startedAt(startedAt)
            .baselineJson(baselineJson(before, notPresent))
            .build();
    store.insert(run);
    active.put(run.id(), new ActiveRun(run, before, policy.orElse(null)));
    windows.open(run.id(), tool, version, policy.orElse(null), startedAt);
    log.info(
        "Run {} began: tool {} {} (policy {}, source {}), baseline of {} sentinels {} in {} ms",
        run.id(),
        tool,
        Escape.logLine(version),
        run.policy() == null ? "none" : run.policy(),
        run.source(),
        before.objects().size(),
        baseline.source(),
        snapshotMillis);
    return run;
  }

  // ---- complete

  /**
   * Settles, takes the after snapshot, judges and stores the run; a run already completed returns
   * its stored result.
   *
   * @param settle the quiet period requested, or null for {@code canary.runs.settle}
   */
  public ToolRun complete(String id, Integer exitCode, Duration settle) {
    Object lock = locks.computeIfAbsent(id, k -> new Object());
    synchronized (lock) {
      ToolRun stored = store.find(id).orElseThrow(() -> new NotFound(id));
      if (stored.completed()) {
        return stored;
      }
      ActiveRun run = active.get(id);
      ClusterIdentity cluster = cluster();
      if (run == null) {
        return store(
            new Judgement(
                stored,
                new Verdict.Error("the agent restarted during the run: its baseline is gone"),
                null,
                null,
                Duration.ZERO,
                true),
            exitCode,
            cluster);
      }
      Duration quiet = settle == null ? properties.settle() : settle;
      if (quiet.isNegative()) {
        throw new BadRequest("settle", "must not be negative");
      }
      if (quiet.compareTo(properties.settleMax()) > 0) {
        quiet = properties.settleMax();
      }
      Instant settleStart = clock.instant();
      Settled settled = settle(quiet);
      Duration waited = Duration.between(settleStart, clock.instant());
      long judgeStart = System.nanoTime();
      DiffResult diff = Diff.between(run.before(), settled.after(), sentinelKeys());
      Verdict verdict = Evaluator.evaluate(run.policy(), diff, tenantLabels());
      ToolRun judged =
          store(
              new Judgement(run.run(), verdict, diff, run.policy(), waited, settled.quiet()),
              exitCode,
              cluster);
      log.info(
          "Run {}: settled in {} ms, judged and stored in {} ms",
          id,
          waited.toMillis(),
          (System.nanoTime() - judgeStart) / 1_000_000);
      return judged;
    }
  }

  /**
   * Expires the runs nobody completed within {@code canary.runs.max-duration} (a CI job killed
   * before {@code gate complete}, an agent restarted mid-run): each is stored with an {@code ERROR}
   * verdict and the reason, which ends its hold on re-seeding. Only the leader expires.
   *
   * @return the runs expired now
   */
  public List<ToolRun> expireOverdue() {
    if (!leadership.isLeader()) {
      return List.of();
    }
    Optional<ClusterIdentity> cluster = observations.cluster();
    if (cluster.isEmpty()) {
      return List.of();
    }
    Duration limit = properties.maxDuration();
    List<ToolRun> expired = new ArrayList<>();
    for (ToolRun overdue : store.runningSince(cluster.get().id(), clock.instant().minus(limit))) {
      Object lock = locks.computeIfAbsent(overdue.id(), k -> new Object());
      synchronized (lock) {
        ToolRun stored = store.find(overdue.id()).orElse(overdue);
        if (stored.completed()) {
          continue;
        }
        String reason =
            "expired: nobody completed the run within canary.runs.max-duration ("
                + limit.toString().substring(2).toLowerCase(java.util.Locale.ROOT)
                + "); the gate or Job that began it never called complete";
        log.warn(
            "Run {} of {} {} (started {}) expired: nobody completed it within {}",
            stored.id(),
            stored.tool(),
            stored.version(),
            stored.startedAt(),
            limit);
        expired.add(
            store(
                new Judgement(stored, new Verdict.Error(reason), null, null, Duration.ZERO, true),
                null,
                cluster.get()));
      }
    }
    return expired;
  }

  private record Judgement(
      ToolRun run,
      Verdict verdict,
      DiffResult diff,
      ToolPolicy policy,
      Duration waited,
      boolean quiet) {}

  private ToolRun store(Judgement judgement, Integer exitCode, ClusterIdentity cluster) {
    ToolRun run = judgement.run();
    Instant completedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
    ToolRun timed = run.toBuilder().completed(completedAt, exitCode).violations(0).build();
    List<ToolRun> overlapping =
        store.overlapping(run.clusterId(), run.startedAt(), completedAt).stream()
            .filter(o -> !o.id().equals(run.id()))
            .toList();
    DiffResult diff =
        judgement.diff() == null ? new DiffResult(List.of(), List.of()) : judgement.diff();
    List<ForeignChange> foreign = foreignChanges(run, diff, completedAt);
    RunReports.Judged judged =
        new RunReports.Judged(
            timed,
            judgement.verdict(),
            diff,
            overlapping,
            judgement.waited(),
            judgement.quiet(),
            cluster.name(),
            foreign);
    String text = RunReports.text(judged);
    String markdown = RunReports.markdown(judged);
    int violations = judgement.verdict() instanceof Verdict.Fail f ? f.violations().size() : 0;
    ToolRun completed =
        timed.toBuilder()
            .verdict(ToolRun.Verdict.valueOf(judgement.verdict().name()))
            .violations(violations)
            .headline(io.stagingcanary.diff.Headline.of(diff))
            .reports(text, markdown)
            .build();
    RunReports.Judged final0 =
        new RunReports.Judged(
            completed,
            judgement.verdict(),
            diff,
            overlapping,
            judgement.waited(),
            judgement.quiet(),
            cluster.name(),
            foreign);
    completed =
        completed.toBuilder()
            .resultJson(RunReports.json(final0, text))
            .junit(RunReports.junit(final0, text))
            .build();
    ToolRun toStore = completed;
    boolean stored =
        Boolean.TRUE.equals(
            transaction.execute(
                status -> {
                  if (!store.complete(toStore)) {
                    return false;
                  }
                  windows.close(run.id(), completedAt, toStore.verdict(), changedKeys(diff));
                  if (judgement.verdict() instanceof Verdict.Fail) {
                    events.publishEvent(
                        new ToolRunFailed(
                            toStore.id(),
                            toStore.tool(),
                            toStore.version(),
                            cluster.name(),
                            cluster.id(),
                            RunReports.summary(final0),
                            text,
                            markdown,
                            toStore.resultJson(),
                            violations,
                            completedAt));
                  }
                  events.publishEvent(
                      new RunVerdictStored(
                          toStore.id(),
                          toStore.tool(),
                          toStore.version(),
                          toStore.verdict().name(),
                          cluster.name(),
                          cluster.id(),
                          completedAt));
                  return true;
                }));
    active.remove(run.id());
    if (!stored) {
      return store.find(run.id()).orElseThrow(() -> new NotFound(run.id()));
    }
    log.info(
        "Run {} of {} {} judged {}: {}",
        run.id(),
        run.tool(),
        Escape.logLine(run.version()),
        toStore.verdict(),
        Escape.logLine(RunReports.summary(final0)));
    Duration took = Duration.between(run.startedAt(), completedAt);
    metrics.toolRunCompleted(run.tool(), toStore.verdict().name(), took);
    events.publishEvent(
        new RunCompleted(
            run.id(),
            run.tool(),
            run.version(),
            toStore.verdict().name(),
            run.startedAt(),
            completedAt,
            took,
            touchedTenants(diff, judgement.policy())));
    reseedBait();
    return toStore;
  }

  /**
   * Re-creates what the run removed as expected, now that its verdict is stored: soon, on the
   * observing thread; the verdict is not held up by it.
   */
  private void reseedBait() {
    reseeder.reseedOpenIncidentsSoon();
  }

  /** Re-seeding waits while a run is in progress (up to {@code canary.runs.max-duration}). */
  @Override
  public Optional<String> reason() {
    Instant cutoff = clock.instant().minus(properties.maxDuration());
    List<String> running =
        active.values().stream()
            .map(ActiveRun::run)
            .filter(r -> r.startedAt().isAfter(cutoff))
            .map(r -> r.id() + " (" + r.tool() + " " + r.version() + ")")
            .toList();
    return running.isEmpty()
        ? Optional.empty()
        : Optional.of("ops-tool run(s) in progress: " + String.join(", ", running));
  }

  // ---- acknowledge

  /** A run that cannot be acknowledged (no violation, or acknowledged already). */
  public static final class NotAcknowledgeable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotAcknowledgeable(String message) {
      super(message);
    }
  }

  /**
   * Records who acknowledged the FAIL of a run and why; in the same transaction {@link
   * RunAcknowledged} is published, so the resolve of the run's violation is written with it.
   */
  public Acknowledgement acknowledge(String id, String by, String reason) {
    String who = required(by, "who");
    String why = required(reason, "why");
    if (who.length() > 200) {
      throw new BadRequest("who", "longer than 200 characters");
    }
    if (why.length() > 2000) {
      throw new BadRequest("why", "longer than 2000 characters");
    }
    ToolRun run = store.find(id).orElseThrow(() -> new NotFound(id));
    if (!run.failed()) {
      throw new NotAcknowledgeable(
          "run "
              + id
              + (run.completed() ? " ended " + run.verdict() : " has no verdict yet")
              + ": only a FAIL has a violation to acknowledge");
    }
    Acknowledgement ack =
        new Acknowledgement(id, who, why, clock.instant().truncatedTo(ChronoUnit.MICROS));
    boolean recorded =
        Boolean.TRUE.equals(
            transaction.execute(
                status -> {
                  if (!store.acknowledge(ack)) {
                    return false;
                  }
                  events.publishEvent(new RunAcknowledged(run.clusterId(), ack));
                  return true;
                }));
    if (!recorded) {
      Acknowledgement earlier = store.acknowledgement(id).orElseThrow();
      throw new NotAcknowledgeable(
          "run " + id + " was acknowledged by " + earlier.by() + " at " + earlier.at());
    }
    log.info(
        "Run {} of {} {}: violation acknowledged by {}: {}",
        id,
        run.tool(),
        run.version(),
        who,
        why);
    return ack;
  }

  public Optional<Acknowledgement> acknowledgement(String id) {
    return store.acknowledgement(id);
  }

  /** Incidents the run caused (their loss paged as the run's violation). */
  public List<String> incidentsOf(String id) {
    return store.incidentsOf(id);
  }

  // ---- reads

  public Optional<ToolRun> find(String id) {
    return store.find(id);
  }

  public List<ToolRun> list(String tool, String verdict, int limit) {
    return store.list(cluster().id(), blankToNull(tool), blankToNull(verdict), limit);
  }

  /** The recent runs in time. */
  RunWindows windows() {
    return windows;
  }

  /** The labels of every tenant of the loaded sets. */
  Map<String, Map<String, String>> tenantLabels() {
    Map<String, Map<String, String>> labels = new TreeMap<>();
    for (SentinelSet set : fixtures.sets()) {
      for (TenantFixture tenant : set.tenants()) {
        labels.put(tenant.name(), tenant.labels());
      }
    }
    return labels;
  }

  // ---- internals

  private record Settled(Snapshot after, boolean quiet) {}

  /**
   * Snapshots until nothing changed for {@code quiet} and no sentinel is terminating (a namespace's
   * contents go after it), at most {@code canary.runs.settle-max}.
   */
  private Settled settle(Duration quiet) {
    Instant deadline = clock.instant().plus(properties.settleMax());
    Snapshot last = listed();
    String fingerprint = fingerprint(last);
    Instant quietSince = clock.instant();
    while (true) {
      Instant now = clock.instant();
      boolean terminating = terminating(last);
      if (!terminating && Duration.between(quietSince, now).compareTo(quiet) >= 0) {
        return new Settled(confirmAbsent(last), true);
      }
      if (!now.isBefore(deadline)) {
        return new Settled(confirmAbsent(last), false);
      }
      Duration pause = POLL;
      Duration remaining = quiet.minus(Duration.between(quietSince, now));
      if (!terminating && remaining.compareTo(pause) < 0) {
        pause = remaining;
      }
      sleep(pause);
      Snapshot next = listed();
      String nextPrint = fingerprint(next);
      if (!nextPrint.equals(fingerprint)) {
        fingerprint = nextPrint;
        quietSince = clock.instant();
      }
      last = next;
    }
  }

  /** A sentinel being deleted (e.g. a namespace whose contents the controller still removes). */
  private boolean terminating(Snapshot snapshot) {
    return sentinelKeys().stream()
        .map(snapshot::get)
        .anyMatch(state -> state != null && state.terminating());
  }

  private String fingerprint(Snapshot snapshot) {
    StringBuilder print = new StringBuilder();
    for (ResourceKey key : sentinelKeys()) {
      ObservedState state = snapshot.get(key);
      print.append(key.id()).append('=');
      if (!snapshot.observes(key)) {
        print.append("blind");
      } else if (state == null) {
        print.append('-');
      } else {
        print
            .append(state.uid())
            .append('/')
            .append(state.resourceVersion())
            .append('/')
            .append(state.deletionTimestamp());
      }
      print.append(';');
    }
    return print.toString();
  }

  /** A run's before snapshot and where it came from, for the log. */
  private record Baseline(Snapshot snapshot, String source) {}

  /**
   * The before snapshot: from the informer caches when every sentinel kind is watched now, which is
   * the view the preflight just judged, so a CI job does not wait for a LIST of every sentinel; a
   * label-selected LIST per kind when one is not. Either way, a look without the selector for
   * apparent losses.
   */
  private Baseline baseline() {
    Snapshot watched = observations.watched(sentinels().kinds());
    if (watched.unobserved().isEmpty()) {
      return new Baseline(confirmAbsent(watched), "from the informer caches");
    }
    return new Baseline(confirmAbsent(listed()), "listed (" + watched.unobserved() + ")");
  }

  /**
   * A label-selected LIST per kind: enough to see whether the cluster is still changing (a stripped
   * label stays absent here), without a GET per apparent loss on every settle poll.
   */
  private Snapshot listed() {
    return inventory.list(sentinels().kinds()).snapshot();
  }

  /** Looks again, without the selector, at what the label-selected view does not show. */
  private Snapshot confirmAbsent(Snapshot listed) {
    Map<ResourceKey, KindSpec> absent = new LinkedHashMap<>();
    for (SentinelFixture s : sentinels().fixtures()) {
      if (listed.observes(s.key()) && listed.get(s.key()) == null) {
        absent.put(s.key(), s.kindSpec());
      }
    }
    return absent.isEmpty() ? listed : inventory.confirmAbsent(listed, absent).snapshot();
  }

  private Set<ResourceKey> sentinelKeys() {
    return sentinels().keys();
  }

  /**
   * The loaded sentinels, their keys in order and their kinds: the fixtures are loaded once at
   * startup, and building these per call (several times per settle poll) was a visible part of a
   * gate run's overhead at 10,000 sentinels.
   */
  private record Sentinels(
      List<SentinelFixture> fixtures, Set<ResourceKey> keys, List<KindSpec> kinds) {}

  private Sentinels sentinels() {
    Sentinels known = sentinels;
    if (known == null) {
      List<SentinelFixture> all = fixtures.sentinels();
      TreeSet<ResourceKey> keys = new TreeSet<>();
      Set<KindSpec> kinds = new LinkedHashSet<>();
      for (SentinelFixture s : all) {
        keys.add(s.key());
        kinds.add(s.kindSpec());
      }
      known =
          new Sentinels(
              List.copyOf(all), Collections.unmodifiableSortedSet(keys), List.copyOf(kinds));
      sentinels = known;
    }
    return known;
  }

  private List<RunCompleted.TenantRef> touchedTenants(DiffResult diff, ToolPolicy policy) {
    Map<String, String> setOfTenant = new TreeMap<>();
    Set<String> touched = new TreeSet<>();
    for (SentinelSet set : fixtures.sets()) {
      for (TenantFixture tenant : set.tenants()) {
        setOfTenant.put(tenant.name(), set.name());
        if (policy != null && policy.mayAffectTenant(tenant.labels())) {
          touched.add(tenant.name());
        }
      }
    }
    diff.changes().stream()
        .map(SentinelResult::tenant)
        .filter(t -> t != null)
        .forEach(touched::add);
    diff.findings().stream().map(Finding::tenant).filter(t -> t != null).forEach(touched::add);
    return touched.stream().map(t -> new RunCompleted.TenantRef(setOfTenant.get(t), t)).toList();
  }

  private String baselineJson(Snapshot before, List<SentinelResult> notPresent) {
    Map<String, Object> baseline = new LinkedHashMap<>();
    baseline.put("takenAt", before.takenAt().toString());
    Set<ResourceKey> keys = sentinelKeys();
    Map<String, Integer> byKind = new TreeMap<>();
    Set<String> tenants = new TreeSet<>();
    int present = 0;
    for (ResourceKey key : keys) {
      ObservedState state = before.get(key);
      if (state != null) {
        present++;
        byKind.merge(key.kind(), 1, Integer::sum);
        String tenant = state.label(Diff.TENANT_LABEL);
        if (tenant != null) {
          tenants.add(tenant);
        }
      }
    }
    baseline.put("sentinels", keys.size());
    baseline.put("present", present);
    baseline.put("byKind", byKind);
    baseline.put("tenants", List.copyOf(tenants));
    baseline.put("unobservedKinds", List.copyOf(before.unobserved().keySet()));
    baseline.put("notPresent", notPresent.stream().map(r -> r.type() + " " + r.key()).toList());
    return Json.pretty(baseline);
  }

  private ClusterIdentity cluster() {
    return observations
        .cluster()
        .orElseThrow(() -> new NotReady("the agent has not finished starting"));
  }

  /**
   * The changes of the run's diff that the attribution records say a user other than the run's
   * identity made; none when the run has no identity or no records are kept.
   */
  private List<ForeignChange> foreignChanges(ToolRun run, DiffResult diff, Instant completedAt) {
    ChangeActors actors = changeActors.getIfAvailable();
    if (run.identity() == null || actors == null || diff.changes().isEmpty()) {
      return List.of();
    }
    List<ForeignChange> foreign = new ArrayList<>();
    actors
        .actorsOf(changedKeys(diff), run.startedAt(), completedAt)
        .forEach(
            (key, actor) -> {
              if (!actor.username().equals(run.identity())) {
                foreign.add(new ForeignChange(key, actor, run.identity()));
              }
            });
    if (!foreign.isEmpty()) {
      log.warn(
          "Run {} of {}: {} sentinel change(s) made by users other than the tool's identity {}",
          run.id(),
          run.tool(),
          foreign.size(),
          Escape.logLine(run.identity()));
    }
    return foreign;
  }

  private static Set<ResourceKey> changedKeys(DiffResult diff) {
    Set<ResourceKey> keys = new TreeSet<>();
    diff.changes().forEach(c -> keys.add(c.key()));
    return keys;
  }

  /**
   * A field stored as text: at most {@code max} characters, no NUL (PostgreSQL cannot store it).
   */
  private static void limit(String field, String value, int max) {
    if (value == null) {
      return;
    }
    if (value.length() > max) {
      throw new BadRequest(field, "longer than " + max + " characters");
    }
    if (value.indexOf('\u0000') >= 0) {
      throw new BadRequest(field, "must not contain the NUL character");
    }
  }

  private static String required(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new BadRequest(field, "is required");
    }
    return value.trim();
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(Math.max(1, pause.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while settling", e);
    }
  }

  /** The cluster name, for messages. */
  String clusterName() {
    return canary.clusterName();
  }
}
