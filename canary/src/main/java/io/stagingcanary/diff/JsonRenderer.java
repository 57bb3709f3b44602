package io.stagingcanary.diff;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Machine-readable, deterministic JSON (two-space indent). Stable field names:
 *
 * <pre>
 * {headline, clean, total, counts: {UNKNOWN, MISSING, REPLACED, DEGRADED, MODIFIED, PRESENT},
 *  lostByKind: {kind: n}, tenants: [{tenant, sets, groups: [{namespace, sentinels: [sentinel]}],
 *  findings: [finding]}], findings: [finding without tenant]}
 * sentinel = {status, apiVersion, kind, namespace, name, set, tenant, reasons: [string],
 *  changes: [{path, expected, actual, reason}], expectedUid, actualUid (Replaced only)}
 * finding  = {type, apiVersion, kind, namespace, name, tenant, message}
 * </pre>
 *
 * Only changed sentinels are listed; namespace null means cluster-scoped.
 */
public final class JsonRenderer {

  private JsonRenderer() {}

  /** Renders a result; ends with a newline. */
  public static String render(DiffResult result) {
    GroupedDiff grouped = GroupedDiff.of(result);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("headline", grouped.headline());
    root.put("clean", result.isClean());
    root.put("total", result.results().size());
    Map<String, Object> counts = new LinkedHashMap<>();
    result.countsByStatus().forEach((type, n) -> counts.put(type.name(), n));
    root.put("counts", counts);
    root.put("lostByKind", result.lostByKind());
    List<Object> tenants = new ArrayList<>();
    for (GroupedDiff.TenantGroup tenant : grouped.tenants()) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("tenant", tenant.tenant());
      t.put("sets", tenant.sets());
      List<Object> groups = new ArrayList<>();
      for (GroupedDiff.ScopeGroup scope : tenant.scopes()) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("namespace", scope.namespace());
        g.put("sentinels", scope.sentinels().stream().map(JsonRenderer::sentinel).toList());
        groups.add(g);
      }
      t.put("groups", groups);
      t.put("findings", tenant.findings().stream().map(JsonRenderer::finding).toList());
      tenants.add(t);
    }
    root.put("tenants", tenants);
    root.put("findings", grouped.ungrouped().stream().map(JsonRenderer::finding).toList());
    return Json.pretty(root) + "\n";
  }

  private static Map<String, Object> sentinel(SentinelResult r) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("status", r.type().name());
    putKey(s, r.key());
    s.put("set", r.set());
    s.put("tenant", r.tenant());
    List<String> reasons = new ArrayList<>();
    List<FieldChange> changes = new ArrayList<>();
    if (r.status() instanceof SentinelStatus.Unknown u) {
      reasons.add(u.reason());
    } else if (r.status() instanceof SentinelStatus.Degraded d) {
      reasons.addAll(d.reasons());
      changes.addAll(d.changes());
    } else if (r.status() instanceof SentinelStatus.Modified m) {
      changes.addAll(m.changes());
    }
    s.put("reasons", reasons);
    s.put("changes", changes.stream().map(JsonRenderer::change).toList());
    if (r.status() instanceof SentinelStatus.Replaced rep) {
      s.put("expectedUid", rep.expectedUid());
      s.put("actualUid", rep.actualUid());
    }
    return s;
  }

  private static Map<String, Object> change(FieldChange c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", c.path());
    m.put("expected", c.expected());
    m.put("actual", c.actual());
    m.put("reason", c.reason());
    return m;
  }

  private static Map<String, Object> finding(Finding f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", f.label());
    putKey(m, f.key());
    m.put("tenant", f.tenant());
    m.put("message", f.message());
    return m;
  }

  private static void putKey(Map<String, Object> m, ResourceKey key) {
    m.put("apiVersion", key.apiVersion());
    m.put("kind", key.kind());
    m.put("namespace", key.namespace());
    m.put("name", key.name());
  }
}
