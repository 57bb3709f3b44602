package db.migration;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Fills the item columns of V41 for incidents recorded before: each item's reasons, field changes
 * and uids are taken from the incident's stored grouped diff ({@code diff_json}), which holds them
 * in full. An item the diff does not list (one restored after a restart) is rebuilt from its
 * one-line {@code detail}: reasons as they read, field changes parsed from {@code path: before →
 * after (reason)}; a shortened string prints as before, any other shortened value (an object or
 * list longer than 80 characters) as its shortened text in quotes.
 *
 * <p>Self-contained on purpose: it reads the format the agent wrote up to V40 and must not change
 * when the agent's own classes do.
 */
public class V42__Incident_items_from_rendered_diff extends BaseJavaMigration {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern CHANGE = Pattern.compile("^(.+?): (.*) → (.*) \\((.*)\\)$");
  private static final Pattern UIDS = Pattern.compile("^uid (.*) → (.*)$");

  /** One stored item: its key and what the V40 store wrote for it. */
  private record Item(
      String apiVersion, String kind, String namespace, String name, String status, String detail) {
    String key() {
      return apiVersion + "|" + kind + "|" + namespace + "|" + name;
    }
  }

  /** The new columns of one item. */
  private record Columns(
      String reasons, String fieldChanges, String expectedUid, String actualUid) {}

  @Override
  public void migrate(Context context) throws Exception {
    Connection connection = context.getConnection();
    Map<String, String> diffs = new LinkedHashMap<>();
    try (PreparedStatement select =
            connection.prepareStatement("SELECT incident_id, diff_json FROM incident");
        ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        diffs.put(rs.getString(1), rs.getString(2));
      }
    }
    try (PreparedStatement items =
            connection.prepareStatement(
                "SELECT api_version, kind, namespace, name, status, detail FROM incident_item"
                    + " WHERE incident_id = ?");
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE incident_item SET reasons = ?, field_changes = ?, expected_uid = ?,"
                    + " actual_uid = ? WHERE incident_id = ? AND api_version = ? AND kind = ?"
                    + " AND namespace = ? AND name = ?")) {
      for (Map.Entry<String, String> incident : diffs.entrySet()) {
        Map<String, JsonNode> sentinels = sentinels(incident.getValue());
        for (Item item : items(items, incident.getKey())) {
          JsonNode sentinel = sentinels.get(item.key());
          Columns columns =
              sentinel != null && item.status().equals(sentinel.path("status").asText())
                  ? fromDiff(sentinel)
                  : fromDetail(item);
          update.setString(1, columns.reasons());
          update.setString(2, columns.fieldChanges());
          update.setString(3, columns.expectedUid());
          update.setString(4, columns.actualUid());
          update.setString(5, incident.getKey());
          update.setString(6, item.apiVersion());
          update.setString(7, item.kind());
          update.setString(8, item.namespace());
          update.setString(9, item.name());
          update.addBatch();
        }
        update.executeBatch();
      }
    }
  }

  private static List<Item> items(PreparedStatement select, String incidentId) throws SQLException {
    select.setString(1, incidentId);
    List<Item> items = new ArrayList<>();
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        items.add(
            new Item(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6)));
      }
    }
    return items;
  }

  /** The sentinels of a stored grouped diff by item key (namespace "" when cluster-scoped). */
  private static Map<String, JsonNode> sentinels(String diffJson) {
    Map<String, JsonNode> sentinels = new HashMap<>();
    JsonNode root;
    try {
      root = diffJson == null || diffJson.isBlank() ? NODES.nullNode() : MAPPER.readTree(diffJson);
    } catch (Exception e) {
      return sentinels; // unreadable: every item is rebuilt from its detail line
    }
    for (JsonNode tenant : root.path("tenants")) {
      for (JsonNode group : tenant.path("groups")) {
        for (JsonNode s : group.path("sentinels")) {
          String namespace = s.path("namespace").isTextual() ? s.path("namespace").asText() : "";
          sentinels.put(
              s.path("apiVersion").asText()
                  + "|"
                  + s.path("kind").asText()
                  + "|"
                  + namespace
                  + "|"
                  + s.path("name").asText(),
              s);
        }
      }
    }
    return sentinels;
  }

  private static Columns fromDiff(JsonNode sentinel) throws Exception {
    ArrayNode reasons = NODES.arrayNode();
    sentinel.path("reasons").forEach(reasons::add);
    ArrayNode changes = NODES.arrayNode();
    for (JsonNode c : sentinel.path("changes")) {
      changes.add(change(c.path("path").asText(), c.get("expected"), c.get("actual"), c));
    }
    return new Columns(
        MAPPER.writeValueAsString(reasons),
        MAPPER.writeValueAsString(changes),
        text(sentinel.get("expectedUid")),
        text(sentinel.get("actualUid")));
  }

  private static ObjectNode change(String path, JsonNode before, JsonNode after, JsonNode c) {
    ObjectNode change = NODES.objectNode();
    change.put("path", path);
    change.set("before", before == null ? NODES.nullNode() : before);
    change.set("after", after == null ? NODES.nullNode() : after);
    change.put("reason", c == null ? "" : c.path("reason").asText());
    return change;
  }

  private static Columns fromDetail(Item item) throws Exception {
    String detail = item.detail() == null ? "" : item.detail();
    List<String> lines = detail.isEmpty() ? List.of() : List.of(detail.split("; "));
    ArrayNode reasons = NODES.arrayNode();
    ArrayNode changes = NODES.arrayNode();
    String expectedUid = null;
    String actualUid = null;
    switch (item.status()) {
      case "UNKNOWN" -> reasons.add(detail);
      case "REPLACED" -> {
        Matcher m = UIDS.matcher(detail);
        if (m.matches()) {
          expectedUid = m.group(1);
          actualUid = m.group(2);
        }
      }
      case "MODIFIED", "DEGRADED" -> {
        for (String line : lines) {
          Matcher m = CHANGE.matcher(line);
          if (m.matches()) {
            ObjectNode change = NODES.objectNode();
            change.put("path", m.group(1));
            change.set("before", value(m.group(2)));
            change.set("after", "<removed>".equals(m.group(3)) ? null : value(m.group(3)));
            change.put("reason", m.group(4));
            changes.add(change);
          } else {
            reasons.add(line);
          }
        }
      }
      default -> {
        // PRESENT and MISSING carry nothing more.
      }
    }
    return new Columns(
        MAPPER.writeValueAsString(reasons),
        MAPPER.writeValueAsString(changes),
        expectedUid,
        actualUid);
  }

  /**
   * A value as the detail line printed it: JSON; a string shortened to 80 characters (it then
   * prints the same again); any other shortened value as its printed text.
   */
  private static JsonNode value(String printed) {
    try {
      return MAPPER.readTree(printed);
    } catch (Exception e) {
      // not JSON: shortened
    }
    if (printed.startsWith("\"") && printed.endsWith("…")) {
      try {
        String head = printed.substring(0, printed.length() - 1) + "\"";
        return NODES.textNode(MAPPER.readTree(head).asText() + "…");
      } catch (Exception e) {
        // cut inside an escape sequence: keep the text
      }
    }
    return NODES.textNode(printed);
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }
}
