package io.stagingcanary.diff;

/** A fact about the sentinels as a whole rather than a single object's state. */
public sealed interface Finding {

  /** The object the finding is about. */
  ResourceKey key();

  /** The tenant concerned, or null. */
  String tenant();

  /** Short upper-case label, e.g. "ORPHANED". */
  String label();

  /** One human sentence. */
  String message();

  /** A tenant's Project/Namespace is still there but its owner User sentinel is gone. */
  record Orphaned(ResourceKey key, String set, String tenant, String ownerUser) implements Finding {
    public String label() {
      return "ORPHANED";
    }

    public String message() {
      return "owner User " + ownerUser + " is gone";
    }
  }

  /** Two-snapshot diff: a sentinel absent from the baseline, so it was not judged. */
  record NotAtBaseline(ResourceKey key) implements Finding {
    public String tenant() {
      return null;
    }

    public String label() {
      return "NOT_AT_BASELINE";
    }

    public String message() {
      return "not present at baseline";
    }
  }
}
