package io.stagingcanary.seeding;

/** What the guarded mutation path did with one request. */
public sealed interface MutationResult {

  Operation operation();

  /** The kinds of write the agent performs. */
  enum Operation {
    CREATE,
    UPDATE,
    DELETE,
    /** Run-id/verdict annotations on an ops-tool Job (the one write on objects we do not own). */
    ANNOTATE_JOB
  }

  /** The write went through; uid and resourceVersion are those the server reported. */
  record Done(Operation operation, String uid, String resourceVersion) implements MutationResult {}

  /** The write was refused before or by the server because the target is not provably ours. */
  record Refused(Operation operation, String reason) implements MutationResult {}
}
