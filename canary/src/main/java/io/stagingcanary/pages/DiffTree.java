package io.stagingcanary.pages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.incident.Incident;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A grouped diff as the pages show it: tenant, then namespace, then objects with their state and
 * the fields that changed. Read from the grouped diff's JSON rendering (incidents and runs carry
 * the same one); for an incident without it, from its items.
 */
record DiffTree(List<TenantNode> tenants, List<FindingRow> findings) {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final String CLUSTER_SCOPED = "(cluster-scoped)";

  record TenantNode(
      String tenant, List<String> sets, List<Scope> scopes, List<FindingRow> findings) {
    public int objects() {
      return scopes.stream().mapToInt(s -> s.objects().size()).sum();
    }
  }

  record Scope(String namespace, List<ObjectRow> objects) {}

  record ObjectRow(
      String kind,
      String name,
      String state,
      String symbol,
      String css,
      List<String> reasons,
      List<Change> changes) {}

  record Change(String path, String expected, String actual, String reason) {}

  record FindingRow(String type, String kind, String name, String tenant, String message) {}

  public boolean isEmpty() {
    return tenants.isEmpty() && findings.isEmpty();
  }

  /** From a grouped diff's JSON ({@code tenants[].groups[].sentinels[]}); empty when absent. */
  static DiffTree fromJson(JsonNode diff) {
    List<TenantNode> tenants = new ArrayList<>();
    if (diff == null || !diff.isObject()) {
      return new DiffTree(tenants, List.of());
    }
    for (JsonNode t : diff.path("tenants")) {
      List<String> sets = new ArrayList<>();
      t.path("sets").forEach(s -> sets.add(s.asText()));
      List<Scope> scopes = new ArrayList<>();
      for (JsonNode g : t.path("groups")) {
        List<ObjectRow> objects = new ArrayList<>();
        for (JsonNode s : g.path("sentinels")) {
          List<String> reasons = new ArrayList<>();
          s.path("reasons").forEach(r -> reasons.add(r.asText()));
          List<Change> changes = new ArrayList<>();
          for (JsonNode c : s.path("changes")) {
            changes.add(
                new Change(
                    text(c, "path"), text(c, "expected"), text(c, "actual"), text(c, "reason")));
          }
          String state = text(s, "status");
          objects.add(
              new ObjectRow(
                  text(s, "kind"),
                  text(s, "name"),
                  state,
                  States.symbol(state),
                  States.css(state),
                  reasons,
                  changes));
        }
        String namespace = text(g, "namespace");
        scopes.add(new Scope(namespace == null ? CLUSTER_SCOPED : namespace, objects));
      }
      tenants.add(new TenantNode(text(t, "tenant"), sets, scopes, findings(t.path("findings"))));
    }
    return new DiffTree(tenants, findings(diff.path("findings")));
  }

  /** From stored JSON text; empty when blank or unreadable. */
  static DiffTree fromJson(String json) {
    if (json == null || json.isBlank()) {
      return new DiffTree(List.of(), List.of());
    }
    try {
      return fromJson(MAPPER.readTree(json));
    } catch (Exception e) {
      return new DiffTree(List.of(), List.of());
    }
  }

  /** An incident's tree: its grouped diff, or its items when the diff is not there. */
  static DiffTree of(Incident incident) {
    DiffTree fromDiff = fromJson(incident.json());
    if (!fromDiff.isEmpty() || incident.items().isEmpty()) {
      return fromDiff;
    }
    Map<String, Map<String, List<ObjectRow>>> byTenant = new TreeMap<>();
    Map<String, List<String>> sets = new LinkedHashMap<>();
    for (Incident.Item item : incident.items()) {
      ResourceKey key = item.key();
      String tenant = item.tenant() == null ? "(no tenant)" : item.tenant();
      String state = item.status() == null ? null : item.status().name();
      byTenant
          .computeIfAbsent(tenant, t -> new TreeMap<>())
          .computeIfAbsent(scopeOf(key), n -> new ArrayList<>())
          .add(
              new ObjectRow(
                  key.kind(),
                  key.name(),
                  state,
                  States.symbol(state),
                  States.css(state),
                  item.detail() == null ? List.of() : List.of(item.detail()),
                  List.of()));
      List<String> tenantSets = sets.computeIfAbsent(tenant, t -> new ArrayList<>());
      if (item.set() != null && !tenantSets.contains(item.set())) {
        tenantSets.add(item.set());
      }
    }
    List<TenantNode> tenants = new ArrayList<>();
    byTenant.forEach(
        (tenant, scopes) -> {
          List<Scope> rows = new ArrayList<>();
          scopes.forEach((ns, objects) -> rows.add(new Scope(ns, objects)));
          tenants.add(new TenantNode(tenant, sets.get(tenant), rows, List.of()));
        });
    return new DiffTree(tenants, List.of());
  }

  private static String scopeOf(ResourceKey key) {
    if (key.namespace() != null && !key.namespace().isEmpty()) {
      return key.namespace();
    }
    if ("Namespace".equals(key.kind()) || "Project".equals(key.kind())) {
      return key.name();
    }
    return CLUSTER_SCOPED;
  }

  private static List<FindingRow> findings(JsonNode findings) {
    List<FindingRow> rows = new ArrayList<>();
    for (JsonNode f : findings) {
      rows.add(
          new FindingRow(
              text(f, "type"),
              text(f, "kind"),
              text(f, "name"),
              text(f, "tenant"),
              text(f, "message")));
    }
    return rows;
  }

  static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
