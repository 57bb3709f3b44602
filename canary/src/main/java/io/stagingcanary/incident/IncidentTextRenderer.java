package io.stagingcanary.incident;

import io.stagingcanary.diff.TextRenderer;

/**
 * An incident as plain text (alerts, logs, {@code Accept: text/plain}): the grouped diff of its
 * items, or for an environment reset its headline alone. Ends with a newline.
 */
public final class IncidentTextRenderer {

  private IncidentTextRenderer() {}

  public static String render(Incident incident) {
    if (incident.type() == Incident.Type.ENVIRONMENT_RESET) {
      return incident.headline() + "\n";
    }
    return TextRenderer.render(incident.diff());
  }
}
