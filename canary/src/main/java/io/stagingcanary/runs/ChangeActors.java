package io.stagingcanary.runs;

import io.stagingcanary.diff.ResourceKey;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/**
 * Who made the changes the agent saw in a run's window, as the attribution records tell: the run's
 * report flags those a user other than the run's identity made. Implemented by the attribution
 * package, which depends on this one (not the other way round).
 */
public interface ChangeActors {

  /**
   * The user behind each change of these sentinels between {@code from} and {@code to}: a change by
   * a controller (the namespace controller, the garbage collector) is the user whose deletion of
   * the namespace or owner caused it. Keys with no record of a user's request are left out; so are
   * dry runs and requests of the controllers themselves.
   */
  Map<ResourceKey, Actor> actorsOf(Collection<ResourceKey> keys, Instant from, Instant to);

  /**
   * A user's request that changed a sentinel.
   *
   * @param username who made the request
   * @param verb delete, update, patch, deletecollection
   * @param at when it was seen
   * @param cause the request that cascaded to this sentinel ({@code the deletion of namespace x}),
   *     null when the user changed it directly
   */
  record Actor(String username, String verb, Instant at, String cause) {
    public Actor {
      Objects.requireNonNull(username, "username");
    }
  }
}
