package io.stagingcanary.incident;

import io.stagingcanary.diff.Json;
import io.stagingcanary.diff.JsonRenderer;

/**
 * An incident's grouped diff as JSON (the API's {@code diff}, the alerts' {@code groupedDiff}); for
 * an environment reset an object with its headline alone. The shape is {@link JsonRenderer}'s.
 */
public final class IncidentJsonRenderer {

  private IncidentJsonRenderer() {}

  public static String render(Incident incident) {
    if (incident.type() == Incident.Type.ENVIRONMENT_RESET) {
      return "{\"headline\":" + Json.quote(incident.headline()) + "}";
    }
    return JsonRenderer.render(incident.diff());
  }
}
