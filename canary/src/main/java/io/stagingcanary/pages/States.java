package io.stagingcanary.pages;

import java.util.List;
import java.util.Locale;

/** How a sentinel state is shown: a symbol and a word, never colour alone. */
final class States {

  /** Worst first: the state a tenant card shows when its sentinels differ. */
  static final List<String> SEVERITY =
      List.of(
          "MISSING",
          "REPLACED",
          "DEGRADED",
          "MODIFIED",
          "CONFLICT",
          "UNKNOWN",
          "PENDING",
          "PRESENT");

  private States() {}

  static String symbol(String state) {
    if (state == null) {
      return "?";
    }
    return switch (state) {
      case "PRESENT" -> "✔";
      case "MISSING" -> "✘";
      case "REPLACED" -> "⇄";
      case "MODIFIED" -> "✎";
      case "DEGRADED" -> "▲";
      case "CONFLICT" -> "⊘";
      case "PENDING" -> "…";
      default -> "?";
    };
  }

  /** The CSS class of a state (colour is a second cue, never the only one). */
  static String css(String state) {
    return "st-" + (state == null ? "unknown" : state.toLowerCase(Locale.ROOT));
  }

  /** Rank in {@link #SEVERITY}; unknown names sort with UNKNOWN. */
  static int rank(String state) {
    int i = SEVERITY.indexOf(state);
    return i < 0 ? SEVERITY.indexOf("UNKNOWN") : i;
  }

  /** What a tenant card says for its worst state. */
  static String verdict(String worst) {
    return switch (worst) {
      case "PRESENT" -> "OK";
      case "MISSING", "REPLACED" -> "LOST";
      case "DEGRADED", "MODIFIED" -> "CHANGED";
      default -> worst;
    };
  }
}
