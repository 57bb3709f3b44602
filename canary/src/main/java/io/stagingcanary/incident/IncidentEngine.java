package io.stagingcanary.incident;

import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.diff.DiffResult;
import io.stagingcanary.diff.Headline;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelResult;
import io.stagingcanary.diff.StatusType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;

/**
 * Groups changes to sentinels into incidents, database first. Not thread-safe: the verifier calls
 * it from its one thread.
 *
 * <p>A change to a sentinel that is in no open incident opens one (or joins the one still inside
 * its grouping window). A further change to a sentinel already in an open incident (a terminating
 * namespace that is now gone) escalates that incident instead of opening another, and so does a
 * change to an object inside a sentinel namespace that is in an open incident.
 *
 * <p>Opening, joining, escalating, sealing and resolving are each one transaction. What the engine
 * holds in memory (the collecting incident, the open incidents, which sentinel is in which) is
 * changed only after that transaction committed. Changes whose write failed stay pending, in order,
 * and are written again with a bounded backoff ({@link #tick()}); nothing is handed on (sealed,
 * paged, re-seeded) before it is stored.
 */
public final class IncidentEngine {

  private static final Logger log = LoggerFactory.getLogger(IncidentEngine.class);
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  /** The first delay before a failed write is tried again; it doubles up to {@link #MAX_RETRY}. */
  public static final Duration FIRST_RETRY = Duration.ofMillis(250);

  /** The longest delay between two tries of a failed write. */
  public static final Duration MAX_RETRY = Duration.ofSeconds(5);

  private final IncidentStore store;
  private final Clock clock;
  private final Duration groupWindow;
  private final Consumer<Incident> onSealed;
  private final Consumer<Incident> onResolved;
  private final IncidentChangeListener listener;

  // ---- committed: derived from what the store holds
  private final Map<ResourceKey, Reported> reported = new HashMap<>();
  private final Map<String, Working> open = new LinkedHashMap<>();
  private ClusterIdentity cluster;
  private Working collecting;

  // ---- pending: observed, not stored yet
  private final Map<ResourceKey, SentinelResult> fresh = new LinkedHashMap<>();
  private Pending freshOrigin;
  private final Map<String, Map<ResourceKey, SentinelResult>> escalations = new LinkedHashMap<>();
  private boolean sealRequested;
  private Incident reset;

  // ---- failed writes
  private int failures;
  private Instant retryAt;
  private Instant failingSince;

  /** A sentinel already reported, and in which incident. */
  record Reported(String incidentId, StatusType status) {}

  /** How the pending new changes were found, for the incident they will open. */
  private record Pending(
      String id,
      Instant since,
      Incident.DetectedBy detectedBy,
      Instant blindFrom,
      Instant blindTo) {}

  /** The blind interval of fresh changes that join the collecting incident, until written. */
  private Instant joinBlindFrom;

  private Instant joinBlindTo;

  /** An open incident as stored, and its current results per sentinel. */
  private static final class Working {
    Incident incident;
    final Map<ResourceKey, SentinelResult> results = new LinkedHashMap<>();
    final Map<ResourceKey, Incident.Item> restoredItems = new LinkedHashMap<>();

    Working(Incident incident) {
      this.incident = incident;
    }
  }

  public IncidentEngine(
      IncidentStore store,
      Clock clock,
      Duration groupWindow,
      Consumer<Incident> onSealed,
      Consumer<Incident> onResolved,
      IncidentChangeListener listener) {
    this.store = store;
    this.clock = clock;
    this.groupWindow = groupWindow;
    this.onSealed = onSealed;
    this.onResolved = onResolved;
    this.listener = listener;
  }

  /** Loads this cluster's open incidents; any left unsealed by a crash is sealed now. */
  public void restore(ClusterIdentity cluster) {
    this.cluster = cluster;
    reported.clear();
    open.clear();
    collecting = null;
    fresh.clear();
    freshOrigin = null;
    escalations.clear();
    sealRequested = false;
    reset = null;
    failures = 0;
    retryAt = null;
    failingSince = null;
    for (Incident incident : store.open(cluster.id())) {
      Working working = new Working(incident);
      for (Incident.Item item : incident.items()) {
        working.restoredItems.put(item.key(), item);
        reported.put(item.key(), new Reported(incident.id(), item.status()));
      }
      open.put(incident.id(), working);
      if (!incident.isSealed() && collecting == null) {
        collecting = working;
        sealRequested = true;
      }
    }
    flush();
  }

  /** Whether a sentinel is part of an open, stored incident. */
  public boolean isReported(ResourceKey key) {
    return reported.containsKey(key);
  }

  /** Open, sealed incidents (for re-seeding and resolution). */
  public List<Incident> openSealed() {
    return open.values().stream().map(w -> w.incident).filter(Incident::isSealed).toList();
  }

  /** An open incident as stored. */
  public Optional<Incident> openIncident(String id) {
    return Optional.ofNullable(open.get(id)).map(w -> w.incident);
  }

  /** Whether changes wait to be stored (a write failed and is tried again). */
  public boolean hasPendingWrites() {
    return !fresh.isEmpty() || !escalations.isEmpty() || sealRequested || reset != null;
  }

  /** Since when writes have been failing, while they are. */
  public Optional<Instant> failingSince() {
    return Optional.ofNullable(failingSince);
  }

  /**
   * Takes the latest results (any subset of sentinels) and returns the incidents opened (stored) by
   * this call. Unknown results are ignored: blind is not lost.
   */
  public List<String> accept(
      Collection<SentinelResult> results,
      Incident.DetectedBy detectedBy,
      Instant blindFrom,
      Instant blindTo) {
    for (SentinelResult result : results) {
      StatusType type = result.type();
      if (type == StatusType.UNKNOWN) {
        continue;
      }
      ResourceKey key = result.key();
      Reported known = reported.get(key);
      if (type == StatusType.PRESENT) {
        // Back: a later loss of it is a new change. A pending loss is still stored: it happened.
        if (known != null) {
          reported.remove(key);
        }
        continue;
      }
      if (known == null) {
        Reported namespace = namespaceReported(key);
        if (fresh.containsKey(key) || namespace == null) {
          addFresh(result, detectedBy, blindFrom, blindTo);
        } else {
          // The namespace controller deletes a terminating namespace's contents over seconds,
          // often after the grouping window: they belong to the namespace's incident.
          escalations
              .computeIfAbsent(namespace.incidentId(), id -> new LinkedHashMap<>())
              .put(key, result);
        }
      } else if (known.status() != type) {
        escalations
            .computeIfAbsent(known.incidentId(), id -> new LinkedHashMap<>())
            .put(key, result);
      }
    }
    return flush();
  }

  private void addFresh(
      SentinelResult result, Incident.DetectedBy detectedBy, Instant blindFrom, Instant blindTo) {
    if (freshOrigin == null && collecting == null) {
      Instant now = clock.instant();
      freshOrigin = new Pending(newId(now), now, detectedBy, blindFrom, blindTo);
    } else if (freshOrigin != null && freshOrigin.blindFrom() == null && blindFrom != null) {
      freshOrigin =
          new Pending(
              freshOrigin.id(), freshOrigin.since(), freshOrigin.detectedBy(), blindFrom, blindTo);
    } else if (collecting != null && blindFrom != null && joinBlindFrom == null) {
      // Joins a stored incident after a blind interval: it says when this could have happened.
      joinBlindFrom = blindFrom;
      joinBlindTo = blindTo;
    }
    fresh.put(result.key(), result);
  }

  /**
   * How the namespace holding {@code key} was reported, if it is a sentinel being deleted (or gone)
   * in an open incident.
   */
  private Reported namespaceReported(ResourceKey key) {
    if (key.namespace() == null || key.namespace().isEmpty()) {
      return null;
    }
    Reported reportedNamespace =
        reported.get(ResourceKey.clusterScoped("v1", "Namespace", key.namespace()));
    boolean beingDeleted =
        reportedNamespace != null
            && (reportedNamespace.status() == StatusType.DEGRADED
                || reportedNamespace.status() == StatusType.MISSING);
    // Only a terminating or gone namespace takes its contents along; a namespace reported for
    // another change (a stripped label) must not swallow a later, unrelated loss inside it.
    return beingDeleted && open.containsKey(reportedNamespace.incidentId())
        ? reportedNamespace
        : null;
  }

  /** When the incident in its grouping window opened, if one is collecting (stored or pending). */
  public Optional<Instant> collectingSince() {
    if (collecting != null) {
      return Optional.of(collecting.incident.openedAt());
    }
    return Optional.ofNullable(freshOrigin).map(Pending::since);
  }

  /**
   * Whether the collecting incident holds a namespace that is still terminating: the namespace
   * controller is still deleting what is in it, so the diff is not complete yet.
   */
  public boolean collectingNamespaceTerminating() {
    List<SentinelResult> results = new ArrayList<>(fresh.values());
    if (collecting != null) {
      results.addAll(collecting.results.values());
    }
    return results.stream()
        .anyMatch(r -> "Namespace".equals(r.key().kind()) && r.type() == StatusType.DEGRADED);
  }

  /** Closes the grouping window: the incident is stored as sealed, then handed on. */
  public void seal() {
    if (collecting == null && fresh.isEmpty()) {
      return;
    }
    sealRequested = true;
    flush();
  }

  /**
   * Time passes: tries failed writes again when their backoff is over, and seals the collecting
   * incident when its grouping window is over (also when it was stored late, after a failure).
   */
  public void tick() {
    Optional<Instant> since = collectingSince();
    if (!sealRequested && since.isPresent()) {
      Instant now = clock.instant();
      boolean windowOver = !now.isBefore(since.get().plus(groupWindow));
      boolean capped = !now.isBefore(since.get().plus(CanaryProperties.Incidents.MAX_GROUP_WINDOW));
      if (windowOver && (capped || !collectingNamespaceTerminating())) {
        sealRequested = true;
      }
    }
    if (hasPendingWrites()) {
      flush();
    }
  }

  /** Resolves open, sealed incidents whose sentinels are all present again. */
  public void resolveRecovered(Map<ResourceKey, SentinelResult> current) {
    if (backingOff()) {
      return;
    }
    for (Working working : List.copyOf(open.values())) {
      Incident incident = working.incident;
      if (!incident.isSealed()
          || incident.type() != Incident.Type.SENTINEL_LOSS
          || escalations.containsKey(incident.id())) {
        continue;
      }
      boolean allBack =
          incident.items().stream()
              .allMatch(
                  item -> {
                    SentinelResult now = current.get(item.key());
                    return now != null && now.type() == StatusType.PRESENT;
                  });
      if (!allBack) {
        continue;
      }
      Instant at = clock.instant();
      Incident[] resolved = {incident};
      boolean stored =
          write(
              incident.id(),
              "resolve",
              () ->
                  store.inTransaction(
                      () -> {
                        store.resolve(incident.id(), at);
                        resolved[0] = store.find(incident.id()).orElse(incident);
                        listener.resolved(resolved[0]);
                      }));
      if (!stored) {
        return;
      }
      open.remove(incident.id());
      incident.items().forEach(item -> reported.remove(item.key()));
      onResolved.accept(resolved[0]);
    }
  }

  /**
   * Records a one-off environment reset: the ledger of a previous cluster is not reported item by
   * item. Stored now, or as soon as the store takes writes again.
   */
  public Incident environmentReset(String previousClusterId, int previousSentinels) {
    Instant now = clock.instant();
    String headline =
        "Environment reset: cluster "
            + cluster.name()
            + " is a different or rebuilt cluster ("
            + previousClusterId
            + " -> "
            + cluster.id()
            + "); "
            + previousSentinels
            + " sentinels seeded there are gone with it";
    reset =
        Incident.builder()
            .id(newId(now))
            .cluster(cluster.id(), cluster.name())
            .type(Incident.Type.ENVIRONMENT_RESET)
            .detectedBy(Incident.DetectedBy.STARTUP)
            .openedAt(now)
            .sealedAt(now)
            .resolvedAt(now)
            .headline(headline)
            .build();
    Incident incident = reset;
    flush();
    return incident;
  }

  // ---- writing: each step one transaction, memory changed after it committed

  /** Writes what is pending, in order, stopping at the first failure; returns incidents opened. */
  private List<String> flush() {
    List<String> opened = new ArrayList<>();
    List<Runnable> handOn = new ArrayList<>();
    if (backingOff()) {
      return opened;
    }
    boolean ok = writeReset(handOn) && writeFresh(opened) && writeEscalations(handOn);
    if (ok) {
      writeSeal(handOn);
    }
    for (Runnable step : handOn) {
      try {
        step.run();
      } catch (RuntimeException e) {
        // Stored already: what failed is what reacts to it (a re-seed), tried again later.
        log.error("Handing on a stored incident failed", e);
      }
    }
    return opened;
  }

  private boolean writeReset(List<Runnable> handOn) {
    if (reset == null) {
      return true;
    }
    Incident incident = reset;
    boolean stored =
        write(
            incident.id(),
            "record",
            () ->
                store.inTransaction(
                    () -> {
                      store.insert(incident);
                      listener.sealed(incident);
                    }));
    if (stored) {
      reset = null;
      handOn.add(() -> onSealed.accept(incident));
    }
    return stored;
  }

  private boolean writeFresh(List<String> opened) {
    if (fresh.isEmpty()) {
      return true;
    }
    if (collecting == null) {
      Pending origin = freshOrigin;
      Incident skeleton =
          Incident.builder()
              .id(origin.id())
              .cluster(cluster.id(), cluster.name())
              .type(Incident.Type.SENTINEL_LOSS)
              .detectedBy(origin.detectedBy())
              .openedAt(origin.since())
              .blindInterval(origin.blindFrom(), origin.blindTo())
              .headline("")
              .build();
      Map<ResourceKey, SentinelResult> results = new LinkedHashMap<>(fresh);
      Incident incident = render(skeleton, results, Map.of(), null, null);
      boolean stored =
          write(
              incident.id(),
              "open",
              () -> {
                try {
                  store.insert(incident);
                } catch (DuplicateKeyException e) {
                  // An earlier try committed but did not say so: store this state over it.
                  store.update(incident);
                }
              });
      if (!stored) {
        return false;
      }
      Working working = new Working(incident);
      working.results.putAll(results);
      collecting = working;
      open.put(incident.id(), working);
      opened.add(incident.id());
    } else {
      Map<ResourceKey, SentinelResult> results = new LinkedHashMap<>(collecting.results);
      results.putAll(fresh);
      Incident base = collecting.incident;
      if (joinBlindFrom != null && base.blindFrom() == null) {
        base = withBlindInterval(base, joinBlindFrom, joinBlindTo);
      }
      Incident incident = render(base, results, collecting.restoredItems, null, null);
      if (!write(incident.id(), "join", () -> store.update(incident))) {
        return false;
      }
      collecting.results.putAll(fresh);
      collecting.incident = incident;
    }
    String id = collecting.incident.id();
    fresh.values().forEach(r -> reported.put(r.key(), new Reported(id, r.type())));
    fresh.clear();
    freshOrigin = null;
    joinBlindFrom = null;
    joinBlindTo = null;
    return true;
  }

  private static Incident withBlindInterval(Incident i, Instant blindFrom, Instant blindTo) {
    return i.toBuilder().blindInterval(blindFrom, blindTo).build();
  }

  private boolean writeEscalations(List<Runnable> handOn) {
    for (String id : List.copyOf(escalations.keySet())) {
      Map<ResourceKey, SentinelResult> changes = escalations.get(id);
      Working working = open.get(id);
      if (working == null) {
        escalations.remove(id);
        continue;
      }
      Map<ResourceKey, SentinelResult> results = new LinkedHashMap<>(working.results);
      results.putAll(changes);
      Map<ResourceKey, Incident.Item> restored = new LinkedHashMap<>(working.restoredItems);
      changes.keySet().forEach(restored::remove);
      Incident incident =
          render(
              working.incident,
              results,
              restored,
              working.incident.sealedAt(),
              working.incident.resolvedAt());
      boolean sealed = incident.isSealed();
      boolean stored =
          write(
              id,
              "escalate",
              () ->
                  store.inTransaction(
                      () -> {
                        store.update(incident);
                        if (sealed) {
                          listener.escalated(incident);
                        }
                      }));
      if (!stored) {
        return false;
      }
      working.results.putAll(changes);
      changes.keySet().forEach(working.restoredItems::remove);
      working.incident = incident;
      changes.values().forEach(r -> reported.put(r.key(), new Reported(id, r.type())));
      escalations.remove(id);
    }
    return true;
  }

  private void writeSeal(List<Runnable> handOn) {
    if (!sealRequested) {
      return;
    }
    if (collecting == null) {
      sealRequested = false;
      return;
    }
    Working working = collecting;
    Incident incident =
        render(working.incident, working.results, working.restoredItems, clock.instant(), null);
    boolean stored =
        write(
            incident.id(),
            "seal",
            () ->
                store.inTransaction(
                    () -> {
                      store.update(incident);
                      listener.sealed(incident);
                    }));
    if (!stored) {
      return;
    }
    working.incident = incident;
    collecting = null;
    sealRequested = false;
    handOn.add(() -> onSealed.accept(incident));
  }

  private boolean backingOff() {
    return retryAt != null && clock.instant().isBefore(retryAt);
  }

  /** Runs one write; on failure keeps everything pending and backs off. */
  private boolean write(String incidentId, String step, Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      Instant now = clock.instant();
      failures++;
      if (failingSince == null) {
        failingSince = now;
      }
      Duration delay = FIRST_RETRY.multipliedBy(1L << Math.min(failures - 1, 10));
      if (delay.compareTo(MAX_RETRY) > 0) {
        delay = MAX_RETRY;
      }
      retryAt = now.plus(delay);
      log.warn(
          "Could not {} incident {} in the ledger (try {}, failing since {}); kept pending, next"
              + " try in {} ms: {}",
          step,
          incidentId,
          failures,
          failingSince,
          delay.toMillis(),
          e.toString());
      return false;
    }
    if (failures > 0) {
      log.info(
          "Stored incident {} ({}) after {} failed tries since {}",
          incidentId,
          step,
          failures,
          failingSince);
    }
    failures = 0;
    retryAt = null;
    failingSince = null;
    return true;
  }

  private static Incident render(
      Incident previous,
      Map<ResourceKey, SentinelResult> results,
      Map<ResourceKey, Incident.Item> restoredItems,
      Instant sealedAt,
      Instant resolvedAt) {
    DiffResult diff = new DiffResult(List.copyOf(results.values()), List.of());
    List<Incident.Item> items = new ArrayList<>(restoredItems.values());
    results.values().forEach(result -> items.add(Incident.Item.of(result)));
    boolean fromRestoreOnly = results.isEmpty();
    return previous.toBuilder()
        .sealedAt(sealedAt)
        .resolvedAt(resolvedAt)
        .headline(fromRestoreOnly ? previous.headline() : Headline.of(diff))
        .items(items)
        .build();
  }

  private static String newId(Instant now) {
    return "inc-"
        + ID_TIME.format(now)
        + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
  }
}
