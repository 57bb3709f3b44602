package io.stagingcanary.api;

import io.stagingcanary.incident.AttributionSummary;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentEnrichmentStore;
import io.stagingcanary.incident.IncidentStore;
import io.stagingcanary.incident.ItemAttribution;
import io.stagingcanary.runs.RunCauses;
import io.stagingcanary.seeding.Reseeder;
import io.stagingcanary.seeding.SeedOutcome;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Incidents with their grouped diffs; JSON, or the rendered diff as text or Markdown. */
@RestController
@RequestMapping("/api/v1/incidents")
class IncidentsController {

  private static final String MARKDOWN = "text/markdown";

  private final IncidentStore incidents;
  private final Reseeder reseeder;
  private final CurrentCluster cluster;
  private final RunCauses runs;
  private final IncidentEnrichmentStore enrichments;

  IncidentsController(
      IncidentStore incidents,
      Reseeder reseeder,
      CurrentCluster cluster,
      RunCauses runs,
      IncidentEnrichmentStore enrichments) {
    this.incidents = incidents;
    this.reseeder = reseeder;
    this.cluster = cluster;
    this.runs = runs;
    this.enrichments = enrichments;
  }

  @GetMapping
  List<IncidentView> list(@RequestParam(defaultValue = "100") int limit) {
    return incidents.list(cluster.get().id(), Math.max(1, Math.min(limit, 1000))).stream()
        .map(i -> IncidentView.of(i, runs.runsOf(i.id()), enrichments.find(i.id())))
        .toList();
  }

  @GetMapping(value = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
  IncidentView get(@PathVariable String id) {
    return IncidentView.of(find(id), runs.runsOf(id), enrichments.find(id));
  }

  @GetMapping(value = "/{id}", produces = MediaType.TEXT_PLAIN_VALUE)
  String text(@PathVariable String id) {
    Incident incident = find(id);
    return incident.id()
        + " "
        + incident.type()
        + " opened "
        + incident.openedAt()
        + "\n"
        + blindLine(incident)
        + AttributionSummary.block(enrichments.find(id))
        + incident.text();
  }

  /** For a loss found after a blind interval: when it could have happened. */
  private static String blindLine(Incident incident) {
    if (incident.blindFrom() == null) {
      return "";
    }
    return "found after a blind interval: the agent could not see from "
        + incident.blindFrom()
        + " to "
        + incident.blindTo()
        + "\n";
  }

  /** The text rendering for a plain link ({@code ?format=text}), as the pages give it. */
  @GetMapping(value = "/{id}", params = "format=text", produces = MediaType.TEXT_PLAIN_VALUE)
  String textLink(@PathVariable String id) {
    return text(id);
  }

  /** The Markdown rendering for a plain link ({@code ?format=markdown}). */
  @GetMapping(value = "/{id}", params = "format=markdown", produces = MARKDOWN)
  String markdownLink(@PathVariable String id) {
    return markdown(id);
  }

  @GetMapping(value = "/{id}", produces = MARKDOWN)
  String markdown(@PathVariable String id) {
    Incident incident = find(id);
    String blind = blindLine(incident);
    return "# Incident "
        + incident.id()
        + "\n\n"
        + (blind.isEmpty() ? "" : "_" + blind.strip() + "_\n\n")
        + attributionMarkdown(enrichments.find(id))
        + incident.markdown();
  }

  private static String attributionMarkdown(List<ItemAttribution> attributions) {
    if (attributions.isEmpty()) {
      return "";
    }
    StringBuilder text = new StringBuilder("**Attribution**\n\n");
    AttributionSummary.lines(attributions).forEach(l -> text.append("- ").append(l).append('\n'));
    return text.append('\n').toString();
  }

  @PostMapping("/{id}/reseed")
  Map<String, Object> reseed(@PathVariable String id) {
    find(id);
    try {
      List<SeedOutcome> outcomes = reseeder.reseed(id);
      return Map.of(
          "incident",
          id,
          "reseeded",
          outcomes.stream()
              .map(
                  o ->
                      Map.of(
                          "sentinel",
                          o.sentinel().key().id(),
                          "result",
                          o.result(),
                          "detail",
                          o.detail()))
              .toList());
    } catch (IllegalArgumentException e) {
      throw new ResponseStatusException(HttpStatus.CONFLICT, e.getMessage());
    }
  }

  private Incident find(String id) {
    return incidents
        .find(id)
        .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no incident " + id));
  }
}
