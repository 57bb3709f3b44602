package io.stagingcanary.verification;

import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelResult;
import io.stagingcanary.diff.SentinelStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The registered sources of degradations the objects do not show. Present, modified or degraded
 * sentinels get their reasons as DEGRADED; missing, replaced or unknown ones keep their state.
 */
final class Degradations {

  private final List<ExtraDegradations> sources = new CopyOnWriteArrayList<>();

  void register(ExtraDegradations source) {
    sources.add(source);
  }

  List<SentinelResult> applyTo(List<SentinelResult> results) {
    if (sources.isEmpty()) {
      return results;
    }
    Map<ResourceKey, List<String>> extra = new HashMap<>();
    for (ExtraDegradations source : sources) {
      source
          .reasons()
          .forEach((k, v) -> extra.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
    }
    List<SentinelResult> applied = new ArrayList<>(results.size());
    for (SentinelResult r : results) {
      List<String> reasons = extra.get(r.key());
      SentinelStatus status = r.status();
      if (reasons != null && !reasons.isEmpty()) {
        if (status instanceof SentinelStatus.Present) {
          status = new SentinelStatus.Degraded(reasons, List.of());
        } else if (status instanceof SentinelStatus.Modified m) {
          status = new SentinelStatus.Degraded(reasons, m.changes());
        } else if (status instanceof SentinelStatus.Degraded d) {
          List<String> all = new ArrayList<>(d.reasons());
          all.addAll(reasons);
          status = new SentinelStatus.Degraded(all, d.changes());
        }
      }
      applied.add(
          status == r.status() ? r : new SentinelResult(r.key(), r.set(), r.tenant(), status));
    }
    return applied;
  }
}
