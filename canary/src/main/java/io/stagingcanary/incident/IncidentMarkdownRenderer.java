package io.stagingcanary.incident;

import io.stagingcanary.diff.MarkdownRenderer;

/**
 * An incident as Markdown (chat, {@code Accept: text/markdown}): the grouped diff of its items as
 * one table per tenant, or for an environment reset its headline in bold. Ends with a newline.
 */
public final class IncidentMarkdownRenderer {

  private IncidentMarkdownRenderer() {}

  public static String render(Incident incident) {
    if (incident.type() == Incident.Type.ENVIRONMENT_RESET) {
      return "**" + incident.headline() + "**\n";
    }
    return MarkdownRenderer.render(incident.diff());
  }
}
