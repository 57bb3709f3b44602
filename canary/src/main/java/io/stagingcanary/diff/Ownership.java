package io.stagingcanary.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Ownership invariants: a tenant's Namespace/Project names its User in the requester annotation and
 * its admin RoleBinding binds that User. Breaking either is an ownership change; a User gone while
 * its project lives on is an orphan.
 */
final class Ownership {

  static final String REQUESTER = "openshift.io/requester";
  private static final String REQUESTER_PATH = "metadata.annotations[\"" + REQUESTER + "\"]";

  private Ownership() {}

  /** The changes with ownership-breaking ones relabelled {@code ownership: ...}. */
  static List<FieldChange> classify(ObservedState expected, List<FieldChange> changes) {
    boolean adminBinding = isAdminBindingOfUser(expected);
    List<FieldChange> out = new ArrayList<>(changes.size());
    for (FieldChange change : changes) {
      String verb = removed(change) ? "removed" : "changed";
      if (change.path().equals(REQUESTER_PATH)) {
        out.add(withReason(change, "ownership: requester " + verb));
      } else if (adminBinding && change.path().startsWith("subjects")) {
        out.add(withReason(change, "ownership: admin subject " + verb));
      } else {
        out.add(change);
      }
    }
    return out;
  }

  /** Projects/Namespaces still there whose tenant's User sentinel is Missing or Replaced. */
  static List<Finding> orphans(List<SentinelResult> results) {
    Map<String, List<String>> lostUsersByTenant = new TreeMap<>();
    for (SentinelResult r : results) {
      if (r.tenant() != null && "User".equals(r.key().kind()) && r.type().lost()) {
        lostUsersByTenant.computeIfAbsent(r.tenant(), t -> new ArrayList<>()).add(r.key().name());
      }
    }
    List<Finding> findings = new ArrayList<>();
    for (SentinelResult r : results) {
      List<String> lostUsers = r.tenant() == null ? null : lostUsersByTenant.get(r.tenant());
      if (lostUsers != null && isProject(r.key()) && stillThere(r.type())) {
        lostUsers.forEach(
            user -> findings.add(new Finding.Orphaned(r.key(), r.set(), r.tenant(), user)));
      }
    }
    return findings;
  }

  /** Whether the key is a tenant's Namespace or Project (the two views of one project). */
  static boolean isProject(ResourceKey key) {
    return !key.isNamespaced() && ("Namespace".equals(key.kind()) || "Project".equals(key.kind()));
  }

  private static boolean stillThere(StatusType type) {
    return type == StatusType.PRESENT || type == StatusType.MODIFIED || type == StatusType.DEGRADED;
  }

  private static boolean isAdminBindingOfUser(ObservedState expected) {
    if (!expected.key().kind().endsWith("RoleBinding")
        || !"admin".equals(Values.string(expected.content(), "roleRef", "name"))
        || !(expected.content().get("subjects") instanceof List<?> subjects)) {
      return false;
    }
    return subjects.stream()
        .anyMatch(s -> s instanceof Map<?, ?> m && "User".equals(String.valueOf(m.get("kind"))));
  }

  private static boolean removed(FieldChange change) {
    return change.actual() == null || change.reason().endsWith("removed");
  }

  private static FieldChange withReason(FieldChange change, String reason) {
    return new FieldChange(change.path(), change.expected(), change.actual(), reason);
  }
}
