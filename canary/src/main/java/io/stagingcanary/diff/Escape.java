package io.stagingcanary.diff;

/**
 * Escapes for text that came from a user (a window's reason, a tool's version, a commit): one log
 * line that cannot forge another, and Markdown that renders as the same text and carries no HTML.
 */
public final class Escape {

  private Escape() {}

  /**
   * One log line: CR, LF, tab and other control characters (and the Unicode line and paragraph
   * separators) become visible escapes such as {@code \n} or {@code \u001b}; a backslash is doubled
   * so an escape cannot be faked.
   */
  public static String logLine(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || c == '\u0085') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /**
   * Markdown inline text, one line: HTML special characters as entities, emphasis, code, link and
   * table punctuation backslash-escaped, line breaks as spaces, other control characters dropped.
   */
  public static String markdown(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\r', '\n', '\t', '\u2028', '\u2029' -> out.append(' ');
        case '\\', '`', '*', '_', '[', ']', '|', '~' -> out.append('\\').append(c);
        default -> {
          if (c >= 0x20 && c != 0x7f) {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
