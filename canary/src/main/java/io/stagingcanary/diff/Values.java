package io.stagingcanary.diff;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;

/** Helpers for the plain trees (maps, lists, strings, numbers, booleans, null) the core reads. */
final class Values {

  private Values() {}

  /** A nested map at {@code path} (keys), or null when absent or not a map. */
  static Map<?, ?> map(Map<?, ?> root, String... path) {
    Object node = at(root, path);
    return node instanceof Map<?, ?> m ? m : null;
  }

  /** The string at {@code path} (keys), or null when absent. */
  static String string(Map<?, ?> root, String... path) {
    Object node = at(root, path);
    return node == null ? null : String.valueOf(node);
  }

  static Object at(Map<?, ?> root, String... path) {
    Object node = root;
    for (String key : path) {
      if (!(node instanceof Map<?, ?> m)) {
        return null;
      }
      node = m.get(key);
    }
    return node;
  }

  /** Scalar equality; numbers compare numerically, so int 1 equals long 1 and 1.0. */
  static boolean scalarEquals(Object expected, Object actual) {
    if (expected instanceof Number e && actual instanceof Number a) {
      if (!finite(e) || !finite(a)) {
        return Double.compare(e.doubleValue(), a.doubleValue()) == 0;
      }
      return decimal(e).compareTo(decimal(a)) == 0;
    }
    return Objects.equals(expected, actual);
  }

  private static boolean finite(Number n) {
    return !(n instanceof Double || n instanceof Float) || Double.isFinite(n.doubleValue());
  }

  private static BigDecimal decimal(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof Double || n instanceof Float) {
      return BigDecimal.valueOf(n.doubleValue());
    }
    return new BigDecimal(n.toString());
  }
}
