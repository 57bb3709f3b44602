package io.stagingcanary.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * A JSON merge patch (RFC 7386) as the JSON patch (RFC 6902) that has the same effect on a given
 * object. The fabric8 mock server applies a merge patch by overlaying it, so a {@code null} (how
 * {@code kubectl label ns x key-} removes a label) is stored as a null value instead of removing
 * the key; it applies a JSON patch correctly.
 */
final class MergePatches {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private MergePatches() {}

  /** The JSON patch operations that turn {@code current} into {@code current} merged with patch. */
  static ArrayNode toJsonPatch(JsonNode current, JsonNode patch) {
    if (!patch.isObject()) {
      throw new IllegalArgumentException("a merge patch of an object must be a JSON object");
    }
    ArrayNode operations = NODES.arrayNode();
    addOperations(current, patch, "", operations);
    return operations;
  }

  /**
   * True when a strategic merge patch holds a directive ({@code $patch}, {@code
   * $setElementOrder/...}).
   */
  static boolean hasDirectives(JsonNode patch) {
    if (patch.isObject()) {
      for (Iterator<String> names = patch.fieldNames(); names.hasNext(); ) {
        if (names.next().startsWith("$")) {
          return true;
        }
      }
    }
    for (JsonNode child : patch) {
      if (hasDirectives(child)) {
        return true;
      }
    }
    return false;
  }

  private static void addOperations(
      JsonNode current, JsonNode patch, String path, ArrayNode operations) {
    for (Iterator<Map.Entry<String, JsonNode>> fields = patch.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String child = path + "/" + escape(field.getKey());
      JsonNode existing = current.get(field.getKey());
      JsonNode value = field.getValue();
      if (value.isNull()) {
        if (existing != null) {
          operations.addObject().put("op", "remove").put("path", child);
        }
      } else if (value.isObject() && existing != null && existing.isObject()) {
        addOperations(existing, value, child, operations);
      } else {
        operations
            .addObject()
            .put("op", "add")
            .put("path", child)
            .set("value", withoutNulls(value));
      }
    }
  }

  /** A merge patch's value for a new member: its nulls mean "absent" (RFC 7386 section 2). */
  private static JsonNode withoutNulls(JsonNode value) {
    if (!value.isObject()) {
      return value;
    }
    ObjectNode copy = NODES.objectNode();
    value
        .fields()
        .forEachRemaining(
            f -> {
              if (!f.getValue().isNull()) {
                copy.set(f.getKey(), withoutNulls(f.getValue()));
              }
            });
    return copy;
  }

  /** RFC 6901: '~' is "~0", '/' is "~1" (label keys like app.kubernetes.io/name hold a '/'). */
  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
