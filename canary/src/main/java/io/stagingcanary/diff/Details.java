package io.stagingcanary.diff;

import java.util.ArrayList;
import java.util.List;

/** The sub-lines the text and Markdown renderers print under a changed sentinel. */
public final class Details {

  private static final int MAX_VALUE = 80;

  private Details() {}

  /** One line per reason or field change, in the order the diff found them. */
  public static List<String> lines(SentinelStatus status) {
    List<String> lines = new ArrayList<>();
    if (status instanceof SentinelStatus.Unknown u) {
      lines.add(u.reason());
    } else if (status instanceof SentinelStatus.Replaced r) {
      lines.add("uid " + r.expectedUid() + " → " + r.actualUid());
    } else if (status instanceof SentinelStatus.Degraded d) {
      lines.addAll(d.reasons());
      d.changes().forEach(c -> lines.add(change(c)));
    } else if (status instanceof SentinelStatus.Modified m) {
      m.changes().forEach(c -> lines.add(change(c)));
    }
    return lines;
  }

  /** {@code path: expected → actual (reason)}. */
  static String change(FieldChange c) {
    String actual = c.actual() == null ? "<removed>" : value(c.actual());
    return c.path() + ": " + value(c.expected()) + " → " + actual + " (" + c.reason() + ")";
  }

  /** The label of a status or finding padded for aligned columns. */
  static String label(String label) {
    return String.format("%-10s", label);
  }

  /** Object name as printed: {@code Kind namespace/name}. */
  static String object(ResourceKey key) {
    return key.toString();
  }

  private static String value(Object value) {
    String json = Json.write(value);
    return json.length() <= MAX_VALUE ? json : json.substring(0, MAX_VALUE - 1) + "…";
  }
}
