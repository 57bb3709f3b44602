package io.stagingcanary.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The subset rule: every value the agent set must still be there and equal; whatever others added
 * (extra keys, defaulted fields) is ignored. Lists must keep their length.
 */
final class Subset {

  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

  private Subset() {}

  /** Changes of labels, annotations and content from {@code expected} to {@code actual}. */
  static List<FieldChange> changes(ObservedState expected, ObservedState actual) {
    List<FieldChange> out = new ArrayList<>();
    compareStrings("metadata.labels", "label", expected.labels(), actual.labels(), out);
    compareStrings(
        "metadata.annotations", "annotation", expected.annotations(), actual.annotations(), out);
    expected.content().forEach((k, v) -> compareField("", k, v, actual.content(), out));
    return out;
  }

  /** Compares {@code expected} against {@code actual} and records each difference at path. */
  static void compare(String path, Object expected, Object actual, List<FieldChange> out) {
    if (expected == null) {
      return; // an explicit null sets nothing
    }
    if (expected instanceof Map<?, ?> expectedMap) {
      if (!(actual instanceof Map<?, ?> actualMap)) {
        out.add(new FieldChange(path, expected, actual, "value changed"));
        return;
      }
      expectedMap.forEach((k, v) -> compareField(path, k, v, actualMap, out));
    } else if (expected instanceof List<?> expectedList) {
      if (!(actual instanceof List<?> actualList)) {
        out.add(new FieldChange(path, expected, actual, "value changed"));
      } else if (actualList.size() != expectedList.size()) {
        String reason = actualList.size() < expectedList.size() ? "items removed" : "items added";
        out.add(new FieldChange(path, expected, actual, reason));
      } else {
        for (int i = 0; i < expectedList.size(); i++) {
          compare(path + "[" + i + "]", expectedList.get(i), actualList.get(i), out);
        }
      }
    } else if (!Values.scalarEquals(expected, actual)) {
      out.add(new FieldChange(path, expected, actual, "value changed"));
    }
  }

  /**
   * Compares the field {@code key} of a map at {@code parent}. Its path is built only for a
   * difference or to descend: a gate run compares every field of 10,000 unchanged sentinels.
   */
  private static void compareField(
      String parent, Object key, Object expected, Map<?, ?> actualParent, List<FieldChange> out) {
    Object actual = actualParent.get(key);
    if (actual == null && expected != null && !isEmpty(expected)) {
      out.add(new FieldChange(child(parent, String.valueOf(key)), expected, null, "field removed"));
    } else if (actual != null && expected != null) {
      if (expected instanceof Map<?, ?> || expected instanceof List<?>) {
        compare(child(parent, String.valueOf(key)), expected, actual, out);
      } else if (!Values.scalarEquals(expected, actual)) {
        out.add(
            new FieldChange(child(parent, String.valueOf(key)), expected, actual, "value changed"));
      }
    }
  }

  private static void compareStrings(
      String prefix,
      String what,
      Map<String, String> expected,
      Map<String, String> actual,
      List<FieldChange> out) {
    expected.forEach(
        (k, v) -> {
          String now = actual.get(k);
          if (now == null && v != null) {
            out.add(
                new FieldChange(prefix + "[" + Json.quote(k) + "]", v, null, what + " removed"));
          } else if (v != null && !v.equals(now)) {
            out.add(new FieldChange(prefix + "[" + Json.quote(k) + "]", v, now, what + " changed"));
          }
        });
  }

  /** Path of a map entry: {@code a.b} for plain keys, {@code a["x.y/z"]} otherwise. */
  static String child(String parent, String key) {
    if (PLAIN_KEY.matcher(key).matches()) {
      return parent.isEmpty() ? key : parent + "." + key;
    }
    return parent + "[" + Json.quote(key) + "]";
  }

  private static boolean isEmpty(Object value) {
    return (value instanceof Map<?, ?> m && m.isEmpty())
        || (value instanceof List<?> l && l.isEmpty());
  }
}
