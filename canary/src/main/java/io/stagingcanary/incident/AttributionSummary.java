package io.stagingcanary.incident;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The grouped lines that say who changed an incident's items: one line per request, so 80 objects
 * removed by one namespace deletion are one line ({@code by alice via the deletion of namespace
 * canary-acme (80 objects)}).
 */
public final class AttributionSummary {

  private AttributionSummary() {}

  /** One line per actor and original request (or reason when unknown), largest group first. */
  public static List<String> lines(List<ItemAttribution> attributions) {
    Map<String, Integer> groups = new LinkedHashMap<>();
    for (ItemAttribution a : attributions) {
      groups.merge(groupText(a), 1, Integer::sum);
    }
    List<Map.Entry<String, Integer>> entries = new ArrayList<>(groups.entrySet());
    entries.sort((x, y) -> Integer.compare(y.getValue(), x.getValue()));
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, Integer> e : entries) {
      lines.add(e.getKey() + " (" + e.getValue() + (e.getValue() == 1 ? " object)" : " objects)"));
    }
    return lines;
  }

  /** Whether any item still waits for its record. */
  public static boolean pending(List<ItemAttribution> attributions) {
    return attributions.stream()
        .anyMatch(a -> a.unknown() == ItemAttribution.UnknownReason.PENDING);
  }

  /**
   * The lines as a block of text ({@code Attribution:} and one indented line each); empty when
   * there is nothing to say (no attribution, or no observer configured at all: then every page
   * would carry the same line).
   */
  public static String block(List<ItemAttribution> attributions) {
    boolean noObserver =
        attributions.stream()
            .allMatch(a -> a.unknown() == ItemAttribution.UnknownReason.NO_OBSERVER);
    if (attributions.isEmpty() || noObserver) {
      return "";
    }
    StringBuilder text = new StringBuilder("Attribution:\n");
    lines(attributions).forEach(l -> text.append("  ").append(l).append('\n'));
    return text.toString();
  }

  private static String groupText(ItemAttribution a) {
    String run = a.run() == null ? "" : " during run " + a.run();
    if (a.actor() == null) {
      return "actor unknown: " + a.unknown().text() + run;
    }
    ItemAttribution.Cause cause = groupCause(a);
    String by = "by " + a.actor().username();
    if (a.actor().source() == ItemAttribution.Source.RUN) {
      return by + run;
    }
    if (cause != null) {
      return by + " via " + cause.describe() + run;
    }
    return by + ", " + a.actor().verb() + run;
  }

  /** A namespace deleted directly is the cause of its own line, with what it took along. */
  private static ItemAttribution.Cause groupCause(ItemAttribution a) {
    if (a.cause() != null) {
      return a.cause();
    }
    if ("Namespace".equals(a.item().kind()) && "delete".equalsIgnoreCase(a.actor().verb())) {
      return new ItemAttribution.Cause("Namespace", null, a.item().name());
    }
    return null;
  }
}
