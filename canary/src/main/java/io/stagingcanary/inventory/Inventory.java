package io.stagingcanary.inventory;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stagingcanary.cluster.ClusterReader;
import io.stagingcanary.diff.ObservedState;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.Snapshot;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.fixtures.SentinelLabels;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Builds snapshots of the sentinels in the cluster: authoritatively with one paginated,
 * label-selected LIST per kind, or from the informer caches. A kind that cannot be read is recorded
 * as unobserved with the reason — blind, never lost.
 */
@Component
public class Inventory {

  private final ClusterReader reader;
  private final Clock clock;
  private volatile int pageSize = ClusterReader.DEFAULT_PAGE_SIZE;

  public Inventory(ClusterReader reader, Clock clock) {
    this.reader = reader;
    this.clock = clock;
  }

  /** Page size of LIST requests (tests and the benchmark set a small one). */
  public void setPageSize(int pageSize) {
    this.pageSize = pageSize;
  }

  /** The result of a full listing: the snapshot and how many API requests it took. */
  public record Listing(Snapshot snapshot, int requests) {}

  public Listing list(Collection<KindSpec> kinds) {
    List<ObservedState> objects = new ArrayList<>();
    Set<String> observed = new LinkedHashSet<>();
    Map<String, String> unobserved = new LinkedHashMap<>();
    int requests = 0;
    for (KindSpec kind : kinds) {
      String kindId = kindId(kind);
      try {
        ClusterReader.Listing<ObservedState> listing =
            reader.list(kind, SentinelLabels.SELECTOR, pageSize, ObjectMaps::observe);
        requests += listing.requests();
        objects.addAll(listing.items());
        observed.add(kindId);
      } catch (KubernetesClientException e) {
        requests++;
        unobserved.put(kindId, reason(e));
      }
    }
    return new Listing(Snapshot.of(clock.instant(), objects, observed, unobserved), requests);
  }

  /**
   * Looks again, without the label selector, for sentinels the selected view lacks: an object whose
   * sentinel label was stripped, or a same-named object created by someone else, is not gone. One
   * LIST per namespace and kind, one GET per cluster-scoped name, only for apparent losses. A kind
   * that cannot be read this way becomes unobserved: blind, never lost.
   */
  public Confirmation confirmAbsent(Snapshot snapshot, Map<ResourceKey, KindSpec> absent) {
    Map<ResourceKey, ObservedState> objects = new LinkedHashMap<>(snapshot.objects());
    Map<String, String> unobserved = new LinkedHashMap<>(snapshot.unobserved());
    Map<KindSpec, Map<String, List<ResourceKey>>> byKindAndNamespace = new LinkedHashMap<>();
    absent.forEach(
        (key, kind) ->
            byKindAndNamespace
                .computeIfAbsent(kind, k -> new LinkedHashMap<>())
                .computeIfAbsent(
                    key.namespace() == null ? "" : key.namespace(), n -> new ArrayList<>())
                .add(key));
    int requests = 0;
    for (var perKind : byKindAndNamespace.entrySet()) {
      KindSpec kind = perKind.getKey();
      try {
        for (var perNamespace : perKind.getValue().entrySet()) {
          if (kind.namespaced()) {
            ClusterReader.Listing<ObservedState> listing =
                reader.listNamespace(kind, perNamespace.getKey(), pageSize, ObjectMaps::observe);
            requests += listing.requests();
            for (ObservedState state : listing.items()) {
              if (absent.containsKey(state.key())) {
                objects.put(state.key(), state);
              }
            }
          } else {
            for (ResourceKey key : perNamespace.getValue()) {
              requests++;
              reader.get(kind, key).ifPresent(item -> objects.put(key, ObjectMaps.observe(item)));
            }
          }
        }
      } catch (KubernetesClientException e) {
        requests++;
        unobserved.put(kindId(kind), reason(e));
      }
    }
    Set<String> observed = new LinkedHashSet<>(snapshot.observedKinds());
    observed.removeAll(unobserved.keySet());
    return new Confirmation(
        new Snapshot(snapshot.takenAt(), objects, observed, unobserved), requests);
  }

  /** A snapshot completed by {@link #confirmAbsent} and the requests that took. */
  public record Confirmation(Snapshot snapshot, int requests) {}

  public static String kindId(KindSpec kind) {
    return kind.apiVersion() + "/" + kind.kind();
  }

  static String reason(KubernetesClientException e) {
    return switch (e.getCode()) {
      case 401 -> "unauthorized (401): the agent's credentials were rejected";
      case 403 -> "forbidden (403): the agent may not list this kind";
      case 404 -> "not served (404): the API server does not know this kind";
      case 0 -> "API server unreachable: " + rootMessage(e);
      default -> "API error " + e.getCode() + ": " + rootMessage(e);
    };
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage());
  }
}
