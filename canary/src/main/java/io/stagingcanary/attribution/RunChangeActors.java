package io.stagingcanary.attribution;

import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.incident.ItemAttribution;
import io.stagingcanary.runs.ChangeActors;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.stereotype.Component;

/**
 * Tells a run who made the changes in its window, from the recorded requests and the same matching
 * rules as an incident's items (cascades resolved to the user who started them).
 */
@Component
class RunChangeActors implements ChangeActors {

  private final ObservedRequestStore records;
  private final AttributionMatcher matcher;
  private final Set<String> controllers;

  RunChangeActors(ObservedRequestStore records, AttributionProperties properties) {
    this.records = records;
    this.matcher = new AttributionMatcher(properties.controllerUsernames());
    this.controllers = Set.copyOf(properties.controllerUsernames());
  }

  @Override
  public Map<ResourceKey, Actor> actorsOf(Collection<ResourceKey> keys, Instant from, Instant to) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    TreeSet<String> namespaces = new TreeSet<>();
    namespaces.add("");
    keys.forEach(k -> namespaces.add(k.namespace() == null ? "" : k.namespace()));
    List<ObservedRequest> seen =
        records.since(from, List.copyOf(namespaces)).stream()
            .filter(r -> !r.at().isAfter(to))
            .toList();
    AttributionMatcher.Context context =
        new AttributionMatcher.Context(
            from,
            seen,
            uids -> records.withUids(uids).stream().filter(r -> !r.at().isAfter(to)).toList(),
            AttributionMatcher.Runs.NONE,
            ItemAttribution.UnknownReason.NOT_RECEIVED);
    Map<ResourceKey, Actor> actors = new LinkedHashMap<>();
    for (ResourceKey key : keys) {
      ItemAttribution found = matcher.attribute(key, null, context);
      ItemAttribution.Actor actor = found.actor();
      if (actor == null
          || actor.source() == ItemAttribution.Source.RUN
          || controllers.contains(actor.username())) {
        continue;
      }
      actors.put(
          key,
          new Actor(
              actor.username(),
              actor.verb(),
              actor.at(),
              found.cause() == null ? null : found.cause().describe()));
    }
    return actors;
  }
}
