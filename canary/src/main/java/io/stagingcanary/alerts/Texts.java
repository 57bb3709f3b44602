package io.stagingcanary.alerts;

import java.util.ArrayList;
import java.util.List;

/** Truncation that says where the rest is. */
final class Texts {

  private Texts() {}

  /** {@code text} cut to at most {@code max} characters, ending with a pointer to the rest. */
  static String truncate(String text, int max, String link) {
    if (text == null) {
      return "";
    }
    if (text.length() <= max) {
      return text;
    }
    String tail = "\n... truncated; full diff: " + link;
    int keep = Math.max(0, max - tail.length());
    return text.substring(0, keep) + tail;
  }

  /** Cuts to {@code max} characters with an ellipsis. */
  static String cut(String text, int max) {
    if (text == null) {
      return "";
    }
    return text.length() <= max ? text : text.substring(0, Math.max(0, max - 3)) + "...";
  }

  /** Splits text into chunks of whole lines, each at most {@code max} characters. */
  static List<String> chunks(String text, int max) {
    List<String> chunks = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      String piece = line.length() > max ? line.substring(0, max - 3) + "..." : line;
      if (current.length() > 0 && current.length() + 1 + piece.length() > max) {
        chunks.add(current.toString());
        current.setLength(0);
      }
      if (current.length() > 0) {
        current.append('\n');
      }
      current.append(piece);
    }
    if (!current.toString().isBlank()) {
      chunks.add(current.toString());
    }
    return chunks;
  }
}
