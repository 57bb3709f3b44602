package io.stagingcanary.diff;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * A tiny JSON writer for plain trees: maps (in their iteration order), lists, strings, numbers,
 * booleans and null. Anything else is written as its string form.
 */
public final class Json {

  private Json() {}

  /** Compact JSON. */
  public static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out, -1, 0);
    return out.toString();
  }

  /** JSON indented by two spaces, one member per line. */
  public static String pretty(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out, 2, 0);
    return out.toString();
  }

  /** A JSON string literal, quotes included. */
  public static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029' || c == 0x7f) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static void write(Object value, StringBuilder out, int indent, int depth) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Map<?, ?> map) {
      writeMembers(map, out, indent, depth);
    } else if (value instanceof List<?> list) {
      writeItems(list, out, indent, depth);
    } else if (value instanceof Boolean b) {
      out.append(b);
    } else if (value instanceof Number n) {
      out.append(number(n));
    } else {
      out.append(quote(String.valueOf(value)));
    }
  }

  private static void writeMembers(Map<?, ?> map, StringBuilder out, int indent, int depth) {
    if (map.isEmpty()) {
      out.append("{}");
      return;
    }
    out.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      out.append(first ? "" : ",");
      first = false;
      newline(out, indent, depth + 1);
      out.append(quote(String.valueOf(e.getKey()))).append(indent < 0 ? ":" : ": ");
      write(e.getValue(), out, indent, depth + 1);
    }
    newline(out, indent, depth);
    out.append('}');
  }

  private static void writeItems(List<?> list, StringBuilder out, int indent, int depth) {
    if (list.isEmpty()) {
      out.append("[]");
      return;
    }
    out.append('[');
    for (int i = 0; i < list.size(); i++) {
      out.append(i == 0 ? "" : ",");
      newline(out, indent, depth + 1);
      write(list.get(i), out, indent, depth + 1);
    }
    newline(out, indent, depth);
    out.append(']');
  }

  private static void newline(StringBuilder out, int indent, int depth) {
    if (indent >= 0) {
      out.append('\n').append(" ".repeat(indent * depth));
    }
  }

  /** Integers as digits; NaN and infinities (not JSON) as strings; other numbers plainly. */
  private static String number(Number n) {
    if ((n instanceof Double || n instanceof Float) && !Double.isFinite(n.doubleValue())) {
      return quote(n.toString());
    }
    if (n instanceof BigDecimal d) {
      return d.toPlainString();
    }
    return n.toString();
  }
}
