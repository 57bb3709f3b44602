package io.stagingcanary.rules;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a parsed policy document (plain maps and lists) into a {@link ToolPolicy}; every problem
 * names its field. Format:
 *
 * <pre>
 * tool: cleanup-unpaid                   # optional; must equal the file's base name
 * description: text
 * mayAffect:
 *   tenants: ["purchased=false", "tier in (free,trial)"]
 *   remove: [Namespace, PersistentVolumeClaim]   # kinds, or "*"
 *   modify: [ConfigMap]
 * mustRemove: ["purchased=false"]
 * maxRemovedFraction: 0.3                # default 1.0
 * ineffective: fail                      # fail (default) or warn
 * </pre>
 */
public final class PolicyReader {

  private static final Set<String> TOP =
      Set.of("tool", "description", "mayAffect", "mustRemove", "maxRemovedFraction", "ineffective");
  private static final Set<String> MAY_AFFECT = Set.of("tenants", "remove", "modify");

  private PolicyReader() {}

  /** Reads the policy of {@code tool} from a document. */
  public static ToolPolicy read(String tool, Object document) {
    if (!(document instanceof Map<?, ?> root)) {
      throw new PolicyException("(document)", "a policy is a mapping");
    }
    unknownKeys(root, TOP, "");
    Object name = root.get("tool");
    if (name != null && !tool.equals(name)) {
      throw new PolicyException("tool", "'" + name + "' differs from the file name '" + tool + "'");
    }
    Object description = root.get("description");
    if (description != null && !(description instanceof String)) {
      throw new PolicyException("description", "must be a string");
    }
    List<LabelSelector> mayAffect = List.of();
    Set<String> remove = Set.of();
    Set<String> modify = Set.of();
    Object affect = root.get("mayAffect");
    if (affect != null) {
      if (!(affect instanceof Map<?, ?> map)) {
        throw new PolicyException("mayAffect", "must be a mapping with tenants, remove, modify");
      }
      unknownKeys(map, MAY_AFFECT, "mayAffect.");
      mayAffect = selectors(map.get("tenants"), "mayAffect.tenants");
      remove = kinds(map.get("remove"), "mayAffect.remove");
      modify = kinds(map.get("modify"), "mayAffect.modify");
      if (mayAffect.isEmpty() && !(remove.isEmpty() && modify.isEmpty())) {
        throw new PolicyException("mayAffect.tenants", "kinds are declared but no tenants");
      }
    }
    List<LabelSelector> mustRemove = selectors(root.get("mustRemove"), "mustRemove");
    double fraction = 1.0;
    Object max = root.get("maxRemovedFraction");
    if (max != null) {
      if (!(max instanceof Number number)) {
        throw new PolicyException("maxRemovedFraction", "must be a number between 0 and 1");
      }
      fraction = number.doubleValue();
      if (!(fraction >= 0 && fraction <= 1)) {
        throw new PolicyException("maxRemovedFraction", fraction + " is not between 0 and 1");
      }
    }
    ToolPolicy.Ineffective ineffective = ToolPolicy.Ineffective.FAIL;
    Object onIneffective = root.get("ineffective");
    if (onIneffective != null) {
      if ("fail".equals(onIneffective)) {
        ineffective = ToolPolicy.Ineffective.FAIL;
      } else if ("warn".equals(onIneffective)) {
        ineffective = ToolPolicy.Ineffective.WARN;
      } else {
        throw new PolicyException(
            "ineffective", "must be fail or warn, not '" + onIneffective + "'");
      }
    }
    return new ToolPolicy(
        tool, (String) description, mayAffect, remove, modify, mustRemove, fraction, ineffective);
  }

  private static void unknownKeys(Map<?, ?> map, Set<String> allowed, String prefix) {
    for (Object key : map.keySet()) {
      if (!allowed.contains(String.valueOf(key))) {
        throw new PolicyException(
            prefix + key, "unknown field (allowed: " + String.join(", ", allowed) + ")");
      }
    }
  }

  private static List<LabelSelector> selectors(Object value, String field) {
    List<LabelSelector> result = new ArrayList<>();
    List<?> items = list(value, field);
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      String at = field + "[" + i + "]";
      if (!(item instanceof String text)) {
        throw new PolicyException(at, "a selector is a string such as \"purchased=false\"");
      }
      if (text.isBlank()) {
        throw new PolicyException(at, "an empty selector would match every tenant");
      }
      try {
        result.add(LabelSelector.parse(text));
      } catch (LabelSelector.SelectorSyntaxException e) {
        throw new PolicyException(at, e.getMessage());
      }
    }
    return result;
  }

  private static Set<String> kinds(Object value, String field) {
    Set<String> result = new LinkedHashSet<>();
    List<?> items = list(value, field);
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      if (!(item instanceof String kind)
          || !(kind.equals(ToolPolicy.ANY_KIND) || kind.matches("[A-Z][A-Za-z0-9]*"))) {
        throw new PolicyException(
            field + "[" + i + "]", "a kind such as PersistentVolumeClaim, or \"*\"");
      }
      result.add(kind);
    }
    return result;
  }

  private static List<?> list(Object value, String field) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> items)) {
      throw new PolicyException(field, "must be a list");
    }
    return items;
  }
}
