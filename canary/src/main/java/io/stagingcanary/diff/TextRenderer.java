package io.stagingcanary.diff;

/**
 * Plain text for alerts and the CI gate: the headline, then an indented tree of the changed
 * sentinels with one line per object and sub-lines for reasons and field changes.
 */
public final class TextRenderer {

  private TextRenderer() {}

  /** Renders a result; ends with a newline. */
  public static String render(DiffResult result) {
    GroupedDiff grouped = GroupedDiff.of(result);
    StringBuilder out = new StringBuilder(grouped.headline()).append('\n');
    for (GroupedDiff.TenantGroup tenant : grouped.tenants()) {
      out.append("tenant ").append(tenant.tenant() == null ? "(none)" : tenant.tenant());
      if (!tenant.sets().isEmpty()) {
        out.append(" (set ").append(String.join(", ", tenant.sets())).append(')');
      }
      out.append('\n');
      for (GroupedDiff.ScopeGroup scope : tenant.scopes()) {
        out.append("  ")
            .append(scope.namespace() == null ? "cluster-scoped" : "namespace " + scope.namespace())
            .append('\n');
        for (SentinelResult r : scope.sentinels()) {
          line(out, "    ", Details.label(r.type().name()) + Details.object(r.key()));
          Details.lines(r.status()).forEach(l -> line(out, "      ", l));
        }
      }
      if (!tenant.findings().isEmpty()) {
        out.append("  findings\n");
        tenant
            .findings()
            .forEach(
                f ->
                    line(
                        out,
                        "    ",
                        Details.label(f.label()) + Details.object(f.key()) + ": " + f.message()));
      }
    }
    if (!grouped.ungrouped().isEmpty()) {
      out.append("not present at baseline\n");
      grouped.ungrouped().forEach(f -> line(out, "  ", Details.object(f.key())));
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String indent, String text) {
    out.append(indent).append(text).append('\n');
  }
}
