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

  /**
   * The write was refused before or by the server because the target is not provably ours.
   *
   * @param target {@link Target#NAMESPACE} when the object itself may be free but the namespace it
   *     would land in is not the canary's (nothing was sent)
   */
  record Refused(Operation operation, String reason, Target target) implements MutationResult {

    /** A refusal about the object itself. */
    public Refused(Operation operation, String reason) {
      this(operation, reason, Target.OBJECT);
    }
  }

  /** What a refusal is about. */
  enum Target {
    /** The object: a same-named one exists, it is not in the ledger, another uid, ... */
    OBJECT,
    /** The namespace the object would be written into is not the canary's to write into. */
    NAMESPACE
  }
}
