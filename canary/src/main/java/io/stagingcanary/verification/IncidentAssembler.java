package io.stagingcanary.verification;

import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.diff.Details;
import io.stagingcanary.diff.DiffResult;
import io.stagingcanary.diff.Headline;
import io.stagingcanary.diff.Json;
import io.stagingcanary.diff.JsonRenderer;
import io.stagingcanary.diff.MarkdownRenderer;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelResult;
import io.stagingcanary.diff.StatusType;
import io.stagingcanary.diff.TextRenderer;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentChangeListener;
import io.stagingcanary.incident.IncidentStore;
import java.time.Clock;
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

/**
 * Groups changes into incidents. Not thread-safe: the verifier calls it from its one thread.
 *
 * <p>A change to a sentinel that is in no open incident opens one (or joins the one still inside
 * its grouping window). A further change to a sentinel already in an open incident (a terminating
 * namespace that is now gone) updates that incident instead of opening another, and so does a
 * change to an object inside a sentinel namespace that is in an open incident.
 */
final class IncidentAssembler {

  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final IncidentStore store;
  private final Clock clock;
  private final Consumer<Incident> onSealed;
  private final Consumer<Incident> onResolved;
  private final IncidentChangeListener listener;
  private final Map<ResourceKey, Reported> reported = new HashMap<>();
  private final Map<String, Working> open = new LinkedHashMap<>();
  private ClusterIdentity cluster;
  private Working collecting;

  /** A sentinel already reported, and in which incident. */
  record Reported(String incidentId, StatusType status) {}

  /** An open incident and its current results per sentinel. */
  private static final class Working {
    Incident incident;
    final Map<ResourceKey, SentinelResult> results = new LinkedHashMap<>();
    final Map<ResourceKey, Incident.Item> restoredItems = new LinkedHashMap<>();

    Working(Incident incident) {
      this.incident = incident;
    }
  }

  IncidentAssembler(
      IncidentStore store,
      Clock clock,
      Consumer<Incident> onSealed,
      Consumer<Incident> onResolved) {
    this(store, clock, onSealed, onResolved, new IncidentChangeListener() {});
  }

  IncidentAssembler(
      IncidentStore store,
      Clock clock,
      Consumer<Incident> onSealed,
      Consumer<Incident> onResolved,
      IncidentChangeListener listener) {
    this.store = store;
    this.clock = clock;
    this.onSealed = onSealed;
    this.onResolved = onResolved;
    this.listener = listener;
  }

  /** Loads this cluster's open incidents; any left unsealed by a crash is sealed now. */
  void restore(ClusterIdentity cluster) {
    this.cluster = cluster;
    reported.clear();
    open.clear();
    collecting = null;
    for (Incident incident : store.open(cluster.id())) {
      Working working = new Working(incident);
      for (Incident.Item item : incident.items()) {
        working.restoredItems.put(item.key(), item);
        reported.put(item.key(), new Reported(incident.id(), item.status()));
      }
      open.put(incident.id(), working);
      if (!incident.isSealed()) {
        collecting = working;
        seal();
      }
    }
  }

  /** Whether a sentinel is part of an open incident. */
  boolean isReported(ResourceKey key) {
    return reported.containsKey(key);
  }

  /** Open, sealed incidents (for re-seeding and resolution). */
  List<Incident> openSealed() {
    return open.values().stream().map(w -> w.incident).filter(Incident::isSealed).toList();
  }

  Optional<Incident> openIncident(String id) {
    return Optional.ofNullable(open.get(id)).map(w -> w.incident);
  }

  /**
   * Takes the latest results (any subset of sentinels) and returns the incidents opened by them.
   * Unknown results are ignored: blind is not lost.
   */
  List<String> accept(
      Collection<SentinelResult> results,
      Incident.DetectedBy detectedBy,
      Instant blindFrom,
      Instant blindTo) {
    List<SentinelResult> fresh = new ArrayList<>();
    for (SentinelResult result : results) {
      StatusType type = result.type();
      if (type == StatusType.UNKNOWN) {
        continue;
      }
      Reported known = reported.get(result.key());
      if (type == StatusType.PRESENT) {
        if (known != null) {
          reported.remove(result.key());
        }
        continue;
      }
      if (known == null) {
        Reported namespace = namespaceReported(result.key());
        if (namespace != null) {
          // The namespace controller deletes a terminating namespace's contents over seconds,
          // often after the grouping window: they belong to the namespace's incident.
          escalate(namespace.incidentId(), result);
        } else {
          fresh.add(result);
        }
      } else if (known.status() != type) {
        escalate(known.incidentId(), result);
      }
    }
    List<String> opened = new ArrayList<>();
    if (!fresh.isEmpty()) {
      boolean newIncident = collecting == null;
      join(fresh, detectedBy, blindFrom, blindTo);
      if (newIncident) {
        opened.add(collecting.incident.id());
      }
    }
    return opened;
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

  /** When the incident in its grouping window opened, if one is collecting. */
  Optional<Instant> collectingSince() {
    return Optional.ofNullable(collecting).map(w -> w.incident.openedAt());
  }

  /**
   * Whether the collecting incident holds a namespace that is still terminating: the namespace
   * controller is still deleting what is in it, so the diff is not complete yet.
   */
  boolean collectingNamespaceTerminating() {
    return collecting != null
        && collecting.results.values().stream()
            .anyMatch(r -> "Namespace".equals(r.key().kind()) && r.type() == StatusType.DEGRADED);
  }

  /** Closes the grouping window: the incident is stored as sealed and handed on. */
  void seal() {
    if (collecting == null) {
      return;
    }
    Working working = collecting;
    collecting = null;
    working.incident = render(working, clock.instant(), null);
    Incident sealed = working.incident;
    store.inTransaction(
        () -> {
          store.update(sealed);
          listener.sealed(sealed);
        });
    onSealed.accept(sealed);
  }

  /** Resolves open, sealed incidents whose sentinels are all present again. */
  void resolveRecovered(Map<ResourceKey, SentinelResult> current) {
    for (Working working : List.copyOf(open.values())) {
      if (!working.incident.isSealed() || working.incident.type() != Incident.Type.SENTINEL_LOSS) {
        continue;
      }
      boolean allBack =
          working.incident.items().stream()
              .allMatch(
                  item -> {
                    SentinelResult now = current.get(item.key());
                    return now != null && now.type() == StatusType.PRESENT;
                  });
      if (allBack) {
        Instant at = clock.instant();
        Incident[] resolved = {working.incident};
        store.inTransaction(
            () -> {
              store.resolve(working.incident.id(), at);
              resolved[0] = store.find(working.incident.id()).orElse(working.incident);
              listener.resolved(resolved[0]);
            });
        open.remove(working.incident.id());
        working.incident.items().forEach(item -> reported.remove(item.key()));
        onResolved.accept(resolved[0]);
      }
    }
  }

  /**
   * Records a one-off environment reset: the ledger of a previous cluster is not reported item by
   * item.
   */
  Incident environmentReset(String previousClusterId, int previousSentinels) {
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
    Incident incident =
        new Incident(
            newId(now),
            cluster.id(),
            cluster.name(),
            Incident.Type.ENVIRONMENT_RESET,
            Incident.DetectedBy.STARTUP,
            now,
            now,
            now,
            null,
            null,
            headline,
            List.of(),
            headline + "\n",
            "**" + headline + "**\n",
            "{\"headline\":" + Json.quote(headline) + "}");
    store.inTransaction(
        () -> {
          store.insert(incident);
          listener.sealed(incident);
        });
    onSealed.accept(incident);
    return incident;
  }

  private void join(
      List<SentinelResult> fresh,
      Incident.DetectedBy detectedBy,
      Instant blindFrom,
      Instant blindTo) {
    Instant now = clock.instant();
    if (collecting == null) {
      Incident incident =
          new Incident(
              newId(now),
              cluster.id(),
              cluster.name(),
              Incident.Type.SENTINEL_LOSS,
              detectedBy,
              now,
              null,
              null,
              blindFrom,
              blindTo,
              "",
              List.of(),
              "",
              "",
              "");
      collecting = new Working(incident);
      open.put(incident.id(), collecting);
      fresh.forEach(r -> collecting.results.put(r.key(), r));
      collecting.incident = render(collecting, null, null);
      store.insert(collecting.incident);
    } else {
      if (blindFrom != null && collecting.incident.blindFrom() == null) {
        // Found after a blind interval: the incident says when it could have happened.
        collecting.incident = withBlindInterval(collecting.incident, blindFrom, blindTo);
      }
      fresh.forEach(r -> collecting.results.put(r.key(), r));
      collecting.incident = render(collecting, null, null);
      store.update(collecting.incident);
    }
    fresh.forEach(r -> reported.put(r.key(), new Reported(collecting.incident.id(), r.type())));
  }

  private void escalate(String incidentId, SentinelResult result) {
    Working working = open.get(incidentId);
    reported.put(result.key(), new Reported(incidentId, result.type()));
    if (working == null) {
      return;
    }
    working.results.put(result.key(), result);
    working.restoredItems.remove(result.key());
    working.incident = render(working, working.incident.sealedAt(), working.incident.resolvedAt());
    Incident changed = working.incident;
    if (changed.isSealed()) {
      store.inTransaction(
          () -> {
            store.update(changed);
            listener.escalated(changed);
          });
    } else {
      store.update(changed);
    }
  }

  private Incident render(Working working, Instant sealedAt, Instant resolvedAt) {
    DiffResult diff = new DiffResult(List.copyOf(working.results.values()), List.of());
    List<Incident.Item> items = new ArrayList<>(working.restoredItems.values());
    for (SentinelResult result : working.results.values()) {
      items.add(
          new Incident.Item(
              result.key(),
              result.set(),
              result.tenant(),
              result.type(),
              String.join("; ", Details.lines(result.status()))));
    }
    Incident previous = working.incident;
    boolean fromRestoreOnly = working.results.isEmpty();
    return new Incident(
        previous.id(),
        previous.clusterId(),
        previous.clusterName(),
        previous.type(),
        previous.detectedBy(),
        previous.openedAt(),
        sealedAt,
        resolvedAt,
        previous.blindFrom(),
        previous.blindTo(),
        fromRestoreOnly ? previous.headline() : Headline.of(diff),
        items,
        fromRestoreOnly ? previous.text() : TextRenderer.render(diff),
        fromRestoreOnly ? previous.markdown() : MarkdownRenderer.render(diff),
        fromRestoreOnly ? previous.json() : JsonRenderer.render(diff));
  }

  private static Incident withBlindInterval(Incident i, Instant blindFrom, Instant blindTo) {
    return new Incident(
        i.id(),
        i.clusterId(),
        i.clusterName(),
        i.type(),
        i.detectedBy(),
        i.openedAt(),
        i.sealedAt(),
        i.resolvedAt(),
        blindFrom,
        blindTo,
        i.headline(),
        i.items(),
        i.text(),
        i.markdown(),
        i.json());
  }

  private static String newId(Instant now) {
    return "inc-"
        + ID_TIME.format(now)
        + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
  }
}
