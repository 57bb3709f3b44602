package io.stagingcanary.diff;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The changed sentinels as a tree: tenant, then namespace (a Namespace/Project sits in its own
 * group; other cluster-scoped objects in a last group with a null namespace), then objects. Present
 * sentinels are counted in the headline, not listed. Order is deterministic: tenant name (no tenant
 * last), namespace, then within a group the Namespace/Project itself, kind and name.
 *
 * @param ungrouped findings without a tenant (e.g. not present at baseline)
 */
public record GroupedDiff(String headline, List<TenantGroup> tenants, List<Finding> ungrouped) {

  /** The changes and findings of one tenant. */
  public record TenantGroup(
      String tenant, List<String> sets, List<ScopeGroup> scopes, List<Finding> findings) {}

  /** The changed objects of one namespace, or the cluster-scoped ones when namespace is null. */
  public record ScopeGroup(String namespace, List<SentinelResult> sentinels) {}

  private static final Comparator<String> NULLS_LAST =
      Comparator.nullsLast(Comparator.<String>naturalOrder());

  private static final Comparator<SentinelResult> IN_GROUP =
      Comparator.comparing((SentinelResult r) -> Ownership.isProject(r.key()) ? 0 : 1)
          .thenComparing(r -> r.key().kind())
          .thenComparing(r -> r.key().name())
          .thenComparing(r -> r.key().apiVersion());

  /** Groups the changes of a result. */
  public static GroupedDiff of(DiffResult result) {
    Map<String, List<SentinelResult>> byTenant = new TreeMap<>(NULLS_LAST);
    Map<String, List<Finding>> findingsByTenant = new TreeMap<>(NULLS_LAST);
    List<Finding> ungrouped = new ArrayList<>();
    result
        .changes()
        .forEach(r -> byTenant.computeIfAbsent(r.tenant(), t -> new ArrayList<>()).add(r));
    for (Finding f : result.findings()) {
      if (f instanceof Finding.NotAtBaseline) {
        ungrouped.add(f);
      } else {
        findingsByTenant.computeIfAbsent(f.tenant(), t -> new ArrayList<>()).add(f);
        byTenant.computeIfAbsent(f.tenant(), t -> new ArrayList<>());
      }
    }
    List<TenantGroup> tenants = new ArrayList<>();
    byTenant.forEach(
        (tenant, results) ->
            tenants.add(
                new TenantGroup(
                    tenant,
                    sets(results),
                    scopes(results),
                    List.copyOf(findingsByTenant.getOrDefault(tenant, List.of())))));
    return new GroupedDiff(Headline.of(result), List.copyOf(tenants), List.copyOf(ungrouped));
  }

  /** The namespace an object is listed under; null for other cluster-scoped objects. */
  static String scopeOf(ResourceKey key) {
    if (key.isNamespaced()) {
      return key.namespace();
    }
    return Ownership.isProject(key) ? key.name() : null;
  }

  private static List<ScopeGroup> scopes(List<SentinelResult> results) {
    Map<String, List<SentinelResult>> byScope = new TreeMap<>(NULLS_LAST);
    results.forEach(r -> byScope.computeIfAbsent(scopeOf(r.key()), s -> new ArrayList<>()).add(r));
    List<ScopeGroup> scopes = new ArrayList<>();
    byScope.forEach(
        (scope, members) -> {
          List<SentinelResult> sorted = new ArrayList<>(members);
          sorted.sort(IN_GROUP);
          scopes.add(new ScopeGroup(scope, List.copyOf(sorted)));
        });
    return List.copyOf(scopes);
  }

  private static List<String> sets(List<SentinelResult> results) {
    TreeSet<String> sets = new TreeSet<>();
    results.stream().map(SentinelResult::set).filter(Objects::nonNull).forEach(sets::add);
    return List.copyOf(sets);
  }
}
