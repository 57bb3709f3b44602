package io.stagingcanary.leader;

/** An action that only the leader may take was attempted on another replica. */
public class NotLeaderException extends IllegalStateException {

  private final String leader;

  public NotLeaderException(String action, Leadership leadership) {
    super(
        "this replica ("
            + leadership.identity()
            + ") is not the leader, so it does not "
            + action
            + "; the leader is "
            + leadership.currentLeader().orElse("not known yet"));
    this.leader = leadership.currentLeader().orElse(null);
  }

  /** The current leader's identity, or null when unknown. */
  public String leader() {
    return leader;
  }
}
