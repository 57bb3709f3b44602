package io.stagingcanary.leader;

/**
 * Whether this replica is the one that may act on the cluster: seed, verify, bracket tool Jobs and
 * deliver alerts. Every replica serves the read API and metrics whatever this says.
 */
public interface Leadership {

  /** True while this replica holds leadership. */
  boolean isLeader();

  /** This replica's identity in the election (the pod name in a cluster). */
  String identity();

  /** The identity of the replica that leads now, when known. */
  default java.util.Optional<String> currentLeader() {
    return isLeader() ? java.util.Optional.of(identity()) : java.util.Optional.empty();
  }

  /** Throws {@link NotLeaderException} unless this replica leads; {@code action} says what. */
  default void requireLeader(String action) {
    if (!isLeader()) {
      throw new NotLeaderException(action, this);
    }
  }
}
