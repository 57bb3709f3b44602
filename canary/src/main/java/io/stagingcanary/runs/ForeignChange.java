package io.stagingcanary.runs;

import io.stagingcanary.diff.ResourceKey;
import java.util.Objects;

/**
 * A change during a run that a user other than the run's tool made: flagged in the run's report,
 * because the verdict judges the tool for it.
 *
 * @param key the sentinel changed
 * @param actor who changed it
 * @param identity the user the tool acts as
 */
record ForeignChange(ResourceKey key, ChangeActors.Actor actor, String identity) {

  ForeignChange {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(identity, "identity");
  }

  /** {@code changed by alice, not by the tool (system:serviceaccount:ops:prune-users)}. */
  String describe() {
    return "changed by "
        + actor.username()
        + (actor.cause() == null ? "" : " via " + actor.cause())
        + ", not by the tool ("
        + identity
        + ")";
  }
}
