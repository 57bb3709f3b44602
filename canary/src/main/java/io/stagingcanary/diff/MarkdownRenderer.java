package io.stagingcanary.diff;

import java.util.List;
import java.util.stream.Collectors;

/** Markdown for chat and merge requests: the headline, then one table per affected tenant. */
public final class MarkdownRenderer {

  private MarkdownRenderer() {}

  /** Renders a result; ends with a newline. */
  public static String render(DiffResult result) {
    GroupedDiff grouped = GroupedDiff.of(result);
    StringBuilder out = new StringBuilder("**").append(cell(grouped.headline())).append("**\n");
    for (GroupedDiff.TenantGroup tenant : grouped.tenants()) {
      out.append("\n### Tenant ")
          .append(tenant.tenant() == null ? "(none)" : code(tenant.tenant()));
      if (!tenant.sets().isEmpty()) {
        out.append(" (set ")
            .append(
                tenant.sets().stream()
                    .map(MarkdownRenderer::code)
                    .collect(Collectors.joining(", ")))
            .append(')');
      }
      out.append("\n\n");
      if (!tenant.scopes().isEmpty()) {
        out.append("| Status | Namespace | Object | Details |\n| --- | --- | --- | --- |\n");
        for (GroupedDiff.ScopeGroup scope : tenant.scopes()) {
          for (SentinelResult r : scope.sentinels()) {
            row(
                out,
                r.type().name(),
                scope.namespace() == null ? "(cluster)" : code(scope.namespace()),
                code(r.key().kind() + " " + r.key().name()),
                Details.lines(r.status()));
          }
        }
        out.append(tenant.findings().isEmpty() ? "" : "\n");
      }
      for (Finding f : tenant.findings()) {
        out.append("- **")
            .append(f.label())
            .append("** ")
            .append(code(Details.object(f.key())))
            .append(": ")
            .append(cell(f.message()))
            .append('\n');
      }
    }
    if (!grouped.ungrouped().isEmpty()) {
      out.append("\n### Not present at baseline\n\n");
      grouped
          .ungrouped()
          .forEach(f -> out.append("- ").append(code(Details.object(f.key()))).append('\n'));
    }
    return out.toString();
  }

  private static void row(
      StringBuilder out, String status, String namespace, String object, List<String> details) {
    String text = details.stream().map(MarkdownRenderer::cell).collect(Collectors.joining("<br>"));
    out.append("| ")
        .append(status)
        .append(" | ")
        .append(namespace)
        .append(" | ")
        .append(object)
        .append(" | ")
        .append(text)
        .append(" |\n");
  }

  /** Plain text safe inside a table cell: HTML and pipes escaped, one line. */
  static String cell(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\r", " ")
        .replace("\n", " ");
  }

  /** Inline code for names (Kubernetes names hold no backticks or pipes). */
  private static String code(String text) {
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`";
  }
}
