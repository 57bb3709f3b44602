package io.stagingcanary.diff;

import java.util.ArrayList;
import java.util.List;

/** Secret values never leave the core: changes under a Secret's data show as redacted. */
final class Redaction {

  static final String REDACTED = "<redacted>";

  private Redaction() {}

  /** The changes with Secret data values replaced by {@value #REDACTED} (removal stays null). */
  static List<FieldChange> apply(ResourceKey key, List<FieldChange> changes) {
    if (!"Secret".equals(key.kind())) {
      return changes;
    }
    List<FieldChange> out = new ArrayList<>(changes.size());
    for (FieldChange c : changes) {
      if (c.path().startsWith("data") || c.path().startsWith("stringData")) {
        out.add(
            new FieldChange(
                c.path(),
                c.expected() == null ? null : REDACTED,
                c.actual() == null ? null : REDACTED,
                c.reason()));
      } else {
        out.add(c);
      }
    }
    return out;
  }
}
