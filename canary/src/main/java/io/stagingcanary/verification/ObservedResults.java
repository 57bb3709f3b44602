package io.stagingcanary.verification;

import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelResult;
import io.stagingcanary.diff.SentinelStatus;
import io.stagingcanary.diff.StatusType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The latest result per sentinel. Counts by state are kept as results change, so no event walks or
 * copies the whole map. Each sentinel judged from an event or a re-seed remembers a generation: a
 * full listing takes a generation before it starts and, when merged, leaves alone every sentinel
 * judged after that (an event newer than the listing is not overwritten by the older listing).
 *
 * <p>Written on the state thread only; {@link #view()} and {@link #mark()} from any thread.
 */
final class ObservedResults {

  private final Map<ResourceKey, SentinelResult> current = new ConcurrentHashMap<>();
  private final Map<ResourceKey, Long> judgedAt = new HashMap<>();
  private final Map<StatusType, Integer> counts = new EnumMap<>(StatusType.class);
  private final AtomicLong generation = new AtomicLong();
  private int lost;
  private int notPresent;

  /** A generation for a listing about to start; whatever is judged from now on is newer. */
  long mark() {
    return generation.incrementAndGet();
  }

  /** Takes results judged from events (or again after a re-seed): the newest facts. */
  void judged(Collection<SentinelResult> results) {
    long now = generation.incrementAndGet();
    for (SentinelResult r : results) {
      put(r);
      judgedAt.put(r.key(), now);
    }
  }

  /** These sentinels changed outside any listing begun before now (a re-seed): keep them out. */
  void touched(Collection<ResourceKey> keys) {
    long now = generation.incrementAndGet();
    keys.forEach(k -> judgedAt.put(k, now));
  }

  /**
   * Merges a full listing that began at {@code mark}: takes each of its results unless the sentinel
   * was judged after the listing began, and drops sentinels the listing no longer expects. Returns
   * the results taken.
   */
  List<SentinelResult> mergeListing(long mark, List<SentinelResult> listed) {
    List<SentinelResult> taken = new ArrayList<>(listed.size());
    Set<ResourceKey> keys = new HashSet<>();
    for (SentinelResult r : listed) {
      keys.add(r.key());
      Long judged = judgedAt.get(r.key());
      if (judged == null || judged < mark) {
        put(r);
        taken.add(r);
      }
    }
    for (ResourceKey key : List.copyOf(current.keySet())) {
      if (!keys.contains(key)) {
        remove(key);
      }
    }
    judgedAt.values().removeIf(judged -> judged < mark);
    return taken;
  }

  void clear() {
    current.clear();
    judgedAt.clear();
    counts.clear();
    lost = 0;
    notPresent = 0;
  }

  SentinelResult get(ResourceKey key) {
    return current.get(key);
  }

  /** A live, unmodifiable view (weakly consistent while the state thread writes). */
  Map<ResourceKey, SentinelResult> view() {
    return Collections.unmodifiableMap(current);
  }

  /** Every sentinel UNKNOWN for this reason (the API server does not answer): a copy. */
  Map<ResourceKey, SentinelResult> unknown(String reason) {
    Map<ResourceKey, SentinelResult> unknown = new HashMap<>();
    for (SentinelResult r : current.values()) {
      SentinelStatus status = new SentinelStatus.Unknown(reason);
      unknown.put(r.key(), new SentinelResult(r.key(), r.set(), r.tenant(), status));
    }
    return Collections.unmodifiableMap(unknown);
  }

  /** Whether any sentinel is lost, replaced, modified or degraded (not present, not unknown). */
  boolean anyLoss() {
    return notPresent > 0;
  }

  /** How many sentinels would count as lost once these results are taken. */
  int lostAfter(Collection<SentinelResult> results) {
    int count = lost;
    for (SentinelResult r : results) {
      SentinelResult before = current.get(r.key());
      boolean was = before != null && before.type().lost();
      if (r.type().lost() && !was) {
        count++;
      } else if (!r.type().lost() && was) {
        count--;
      }
    }
    return count;
  }

  Map<StatusType, Integer> countByState() {
    Map<StatusType, Integer> copy = new EnumMap<>(StatusType.class);
    counts.forEach(
        (type, n) -> {
          if (n > 0) {
            copy.put(type, n);
          }
        });
    return copy;
  }

  private void put(SentinelResult r) {
    SentinelResult before = current.put(r.key(), r);
    if (before != null) {
      count(before.type(), -1);
    }
    count(r.type(), 1);
  }

  private void remove(ResourceKey key) {
    SentinelResult before = current.remove(key);
    if (before != null) {
      count(before.type(), -1);
    }
    judgedAt.remove(key);
  }

  private void count(StatusType type, int delta) {
    counts.merge(type, delta, Integer::sum);
    if (type.lost()) {
      lost += delta;
    }
    if (type != StatusType.PRESENT && type != StatusType.UNKNOWN) {
      notPresent += delta;
    }
  }
}
