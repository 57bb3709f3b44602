package io.stagingcanary.inventory;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stagingcanary.cluster.ClusterReader;
import io.stagingcanary.diff.ObservedState;
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
        ClusterReader.Listing listing = reader.list(kind, SentinelLabels.SELECTOR, pageSize);
        requests += listing.requests();
        for (GenericKubernetesResource item : listing.items()) {
          objects.add(ObjectMaps.observe(item));
        }
        observed.add(kindId);
      } catch (KubernetesClientException e) {
        requests++;
        unobserved.put(kindId, reason(e));
      }
    }
    return new Listing(Snapshot.of(clock.instant(), objects, observed, unobserved), requests);
  }

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
