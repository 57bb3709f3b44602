package io.stagingcanary.diff;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the agent saw at one instant: the objects of the kinds it could list, the kinds it could
 * list (as {@code apiVersion/kind}) and, for kinds it could not, why. Blind is not lost.
 *
 * @param unobserved reason per kind that could not be listed, e.g. "forbidden"
 */
public record Snapshot(
    Instant takenAt,
    Map<ResourceKey, ObservedState> objects,
    Set<String> observedKinds,
    Map<String, String> unobserved) {

  public Snapshot {
    Objects.requireNonNull(takenAt, "takenAt");
    objects = sortedByKey(objects);
    observedKinds = Collections.unmodifiableSet(new TreeSet<>(observedKinds));
    unobserved = Collections.unmodifiableMap(new TreeMap<>(unobserved));
  }

  /** A snapshot of the given objects; {@code observedKinds} lists what was actually listed. */
  public static Snapshot of(
      Instant takenAt,
      Collection<ObservedState> objects,
      Set<String> observedKinds,
      Map<String, String> unobserved) {
    Map<ResourceKey, ObservedState> byKey = new HashMap<>();
    for (ObservedState state : objects) {
      byKey.put(state.key(), state);
    }
    return new Snapshot(takenAt, byKey, observedKinds, unobserved);
  }

  /** The kind id used in {@link #observedKinds()}, e.g. {@code v1/PersistentVolumeClaim}. */
  public static String kindOf(ResourceKey key) {
    return key.apiVersion() + "/" + key.kind();
  }

  /** Whether the kind of {@code key} was listed, so absence means the object is gone. */
  public boolean observes(ResourceKey key) {
    String kind = kindOf(key);
    return observedKinds.contains(kind) && !unobserved.containsKey(kind);
  }

  /** Why the kind of {@code key} was not observed. */
  public String blindReason(ResourceKey key) {
    return unobserved.getOrDefault(kindOf(key), "kind not observed");
  }

  /**
   * The objects in key order, looked up by hash: a gate run reads all 10,000 sentinels of two
   * snapshots one by one, which a tree map made a visible part of its overhead.
   */
  private static Map<ResourceKey, ObservedState> sortedByKey(
      Map<ResourceKey, ObservedState> objects) {
    List<ResourceKey> keys = new ArrayList<>(objects.keySet());
    keys.sort(null);
    Map<ResourceKey, ObservedState> sorted =
        new LinkedHashMap<>(Math.max(16, keys.size() * 4 / 3 + 1));
    for (ResourceKey key : keys) {
      sorted.put(key, objects.get(key));
    }
    return Collections.unmodifiableMap(sorted);
  }

  /** The object with this key, or null. */
  public ObservedState get(ResourceKey key) {
    return objects.get(key);
  }
}
