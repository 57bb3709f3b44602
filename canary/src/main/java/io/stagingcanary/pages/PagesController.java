package io.stagingcanary.pages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagingcanary.alerts.AlertDeliveries;
import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.fixtures.FixtureCatalog;
import io.stagingcanary.fixtures.TenantFixture;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentStore;
import io.stagingcanary.leader.Leadership;
import io.stagingcanary.maintenance.MaintenanceWindows;
import io.stagingcanary.runs.RunCauses;
import io.stagingcanary.runs.RunService;
import io.stagingcanary.runs.ToolRun;
import io.stagingcanary.seeding.SeedingState;
import io.stagingcanary.verification.AgentState;
import io.stagingcanary.verification.SentinelObservations;
import io.stagingcanary.verification.SentinelStates;
import io.stagingcanary.verification.SentinelView;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * The on-call pages. Read-only: every action is shown as the exact {@code curl} command against the
 * API, with the token left as {@code $TOKEN}. The same token rules as the API's reads apply ({@code
 * canary.api.protect-reads}, enforced by the API's access filter).
 */
@Controller
class PagesController {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern WINDOW_ID = Pattern.compile("maintenance window (\\S+)");
  private static final Pattern RUN_ID = Pattern.compile("\\brun ([0-9a-fA-F-]{8,})");
  private static final int LIST_LIMIT = 200;
  private static final String HTML = MediaType.TEXT_HTML_VALUE;

  private final SeedingState seeding;
  private final SentinelObservations verifier;
  private final SentinelStates states;
  private final IncidentStore incidents;
  private final RunService runs;
  private final RunCauses causes;
  private final MaintenanceWindows maintenance;
  private final Leadership leadership;
  private final AlertDeliveries deliveries;
  private final FixtureCatalog fixtures;
  private final String publicBase;

  PagesController(
      SeedingState seeding,
      SentinelObservations verifier,
      SentinelStates states,
      IncidentStore incidents,
      RunService runs,
      RunCauses causes,
      MaintenanceWindows maintenance,
      Leadership leadership,
      AlertDeliveries deliveries,
      FixtureCatalog fixtures,
      CanaryProperties properties) {
    this.seeding = seeding;
    this.verifier = verifier;
    this.states = states;
    this.incidents = incidents;
    this.runs = runs;
    this.causes = causes;
    this.maintenance = maintenance;
    this.leadership = leadership;
    this.deliveries = deliveries;
    this.fixtures = fixtures;
    this.publicBase = properties.publicBase();
  }

  /** A count of sentinels in one state. */
  record Count(String state, String symbol, String css, int n) {}

  /** One tenant of a set on the overview: counts per state, the worst one first. */
  record TenantCard(
      String set,
      String tenant,
      int total,
      String worst,
      String symbol,
      String css,
      String verdict,
      List<Count> counts) {}

  /** One set as a grid of tenants. */
  record SetGrid(String set, int total, int present, List<TenantCard> tenants) {}

  // ---- overview

  /**
   * Browsers ask for {@code /favicon.ico} whatever the page links to: they get the same icon, never
   * a 404 (which a browser reports as a console error).
   */
  @GetMapping("/favicon.ico")
  org.springframework.http.ResponseEntity<org.springframework.core.io.Resource> favicon() {
    return org.springframework.http.ResponseEntity.ok()
        .contentType(MediaType.valueOf("image/svg+xml"))
        .cacheControl(org.springframework.http.CacheControl.maxAge(java.time.Duration.ofDays(1)))
        .body(new org.springframework.core.io.ClassPathResource("static/assets/favicon.svg"));
  }

  @GetMapping(value = "/", produces = HTML)
  String overview(Model model, HttpServletResponse response) {
    common(model, response, "Overview");
    AgentState state = verifier.state();
    model.addAttribute("state", state.name());
    model.addAttribute("stateSymbol", stateSymbol(state));
    model.addAttribute("stateCss", "agent-" + state.name().toLowerCase(java.util.Locale.ROOT));
    model.addAttribute("leader", leadership.currentLeader().orElse(null));
    model.addAttribute("replica", leadership.identity());
    model.addAttribute("isLeader", leadership.isLeader());
    model.addAttribute("lastVerification", verifier.lastVerification().orElse(null));
    model.addAttribute("lastSuccess", verifier.lastSuccessfulVerification().orElse(null));
    model.addAttribute("windows", maintenance.active());
    model.addAttribute("refresh", true);
    Optional<ClusterIdentity> cluster = seeding.cluster();
    List<Incident> open = cluster.map(c -> incidents.open(c.id())).orElse(List.of());
    model.addAttribute("openIncidents", open);
    Instant since = null;
    String why = null;
    if (state == AgentState.BLIND) {
      since = verifier.blindSince().orElse(null);
      why = verifier.blindReason().orElse(null);
    } else if (state == AgentState.LOSS && !open.isEmpty()) {
      Incident first = open.stream().min(Comparator.comparing(Incident::openedAt)).orElseThrow();
      since = first.openedAt();
      why = first.headline() + (open.size() > 1 ? " (and " + (open.size() - 1) + " more)" : "");
    } else if (state == AgentState.HEALTHY) {
      since = verifier.lastSuccessfulVerification().orElse(null);
      why = "every sentinel observed and present at the last check";
    } else if (state == AgentState.STARTING) {
      why = "not yet verified once since startup";
    }
    model.addAttribute("since", since);
    model.addAttribute("why", why);
    model.addAttribute("clusterName", cluster.map(ClusterIdentity::name).orElse(null));
    model.addAttribute("clusterId", cluster.map(ClusterIdentity::id).orElse(null));
    model.addAttribute("sets", cluster.map(c -> grids(states.list(c))).orElse(List.<SetGrid>of()));
    return "pages/overview";
  }

  static List<SetGrid> grids(List<SentinelView> views) {
    Map<String, Map<String, Map<String, Integer>>> bySet = new TreeMap<>();
    for (SentinelView v : views) {
      bySet
          .computeIfAbsent(v.set(), s -> new TreeMap<>())
          .computeIfAbsent(v.tenant(), t -> new TreeMap<>())
          .merge(v.state().name(), 1, Integer::sum);
    }
    List<SetGrid> grids = new ArrayList<>();
    bySet.forEach(
        (set, tenants) -> {
          List<TenantCard> cards = new ArrayList<>();
          int total = 0;
          int present = 0;
          for (Map.Entry<String, Map<String, Integer>> t : tenants.entrySet()) {
            List<Count> counts = new ArrayList<>();
            t.getValue().entrySet().stream()
                .sorted(Comparator.comparingInt(e -> States.rank(e.getKey())))
                .forEach(
                    e ->
                        counts.add(
                            new Count(
                                e.getKey(),
                                States.symbol(e.getKey()),
                                States.css(e.getKey()),
                                e.getValue())));
            int n = t.getValue().values().stream().mapToInt(Integer::intValue).sum();
            total += n;
            present += t.getValue().getOrDefault("PRESENT", 0);
            String worst = counts.get(0).state();
            cards.add(
                new TenantCard(
                    set,
                    t.getKey(),
                    n,
                    worst,
                    States.symbol(worst),
                    States.css(worst),
                    States.verdict(worst),
                    counts));
          }
          grids.add(new SetGrid(set, total, present, cards));
        });
    return grids;
  }

  @GetMapping(value = "/tenants/{set}/{tenant}", produces = HTML)
  String tenant(
      @PathVariable String set,
      @PathVariable String tenant,
      Model model,
      HttpServletResponse response) {
    common(model, response, "Tenant " + tenant);
    Optional<ClusterIdentity> cluster = seeding.cluster();
    List<SentinelView> sentinels =
        cluster.map(c -> states.list(c)).orElse(List.of()).stream()
            .filter(v -> v.set().equals(set) && v.tenant().equals(tenant))
            .toList();
    if (cluster.isPresent() && sentinels.isEmpty()) {
      return notFound(model, response, "no tenant " + tenant + " in set " + set);
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (SentinelView v : sentinels) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("view", v);
      row.put("symbol", States.symbol(v.state().name()));
      row.put("css", States.css(v.state().name()));
      rows.add(row);
    }
    Optional<TenantFixture> fixture =
        fixtures.sets().stream()
            .filter(s -> s.name().equals(set))
            .findFirst()
            .flatMap(s -> s.tenant(tenant));
    model.addAttribute("set", set);
    model.addAttribute("tenant", tenant);
    model.addAttribute("description", fixture.map(TenantFixture::description).orElse(""));
    model.addAttribute("labels", fixture.map(TenantFixture::labels).orElse(Map.of()));
    model.addAttribute("rows", rows);
    model.addAttribute("refresh", true);
    return "pages/tenant";
  }

  // ---- incidents

  @GetMapping(value = "/incidents", produces = HTML)
  String incidents(Model model, HttpServletResponse response) {
    common(model, response, "Incidents");
    model.addAttribute(
        "incidents",
        seeding.cluster().map(c -> incidents.list(c.id(), LIST_LIMIT)).orElse(List.of()));
    model.addAttribute("refresh", true);
    return "pages/incidents";
  }

  @GetMapping(value = "/incidents/{id}", produces = HTML)
  String incident(@PathVariable String id, Model model, HttpServletResponse response) {
    common(model, response, "Incident " + id);
    Optional<Incident> found = incidents.find(id);
    if (found.isEmpty()) {
      return notFound(model, response, "no incident " + id);
    }
    Incident incident = found.get();
    List<String> causedBy = causes.runsOf(id);
    List<AlertDeliveries.Delivery> alerts = new ArrayList<>(deliveries.forSubject(id));
    causedBy.forEach(run -> alerts.addAll(deliveries.forSubject(run)));
    Set<String> keys = new LinkedHashSet<>();
    incident.items().forEach(i -> keys.add(i.key().id()));
    List<SentinelView> sentinels =
        seeding.cluster().map(c -> states.list(c)).orElse(List.of()).stream()
            .filter(v -> keys.contains(keyId(v)))
            .toList();
    model.addAttribute("incident", incident);
    model.addAttribute("status", status(incident));
    model.addAttribute("timeline", Timeline.of(incident, alerts, sentinels, causedBy));
    model.addAttribute("alerts", alerts);
    model.addAttribute("tree", DiffTree.of(incident));
    model.addAttribute("causedBy", causedBy);
    model.addAttribute("expected", expected(alerts, id));
    model.addAttribute("refresh", incident.isOpen());
    String api = publicBase + "/api/v1/incidents/" + id;
    model.addAttribute("apiJson", "/api/v1/incidents/" + id);
    model.addAttribute("apiText", "/api/v1/incidents/" + id + "?format=text");
    model.addAttribute("apiMarkdown", "/api/v1/incidents/" + id + "?format=markdown");
    model.addAttribute("apiAlerts", "/api/v1/incidents/" + id + "/alerts");
    model.addAttribute(
        "reseedCommand", "curl -X POST -H \"Authorization: Bearer $TOKEN\" " + api + "/reseed");
    model.addAttribute(
        "retryCommands",
        alerts.stream()
            .filter(AlertDeliveries.Delivery::retryable)
            .map(
                d ->
                    "curl -X POST -H \"Authorization: Bearer $TOKEN\" "
                        + publicBase
                        + "/api/v1/alerts/"
                        + d.id()
                        + "/retry")
            .toList());
    return "pages/incident";
  }

  /** What made an incident expected (not paged): the reason and links to what it names. */
  record Expected(String reason, List<Link> links) {}

  /** A labelled link. */
  record Link(String label, String href) {}

  private static Expected expected(List<AlertDeliveries.Delivery> alerts, String incidentId) {
    Optional<String> reason =
        alerts.stream()
            .filter(d -> incidentId.equals(d.subject()))
            .filter(d -> "suppressed".equals(d.state()) && "firing".equals(d.alertStatus()))
            .map(AlertDeliveries.Delivery::lastError)
            .filter(r -> r != null && !r.isBlank())
            .findFirst();
    if (reason.isEmpty()) {
      return null;
    }
    List<Link> links = new ArrayList<>();
    Matcher windows = WINDOW_ID.matcher(reason.get());
    while (windows.find()) {
      String window = windows.group(1);
      links.add(new Link("maintenance window " + window, "/api/v1/maintenance-windows/" + window));
    }
    Matcher runIds = RUN_ID.matcher(reason.get());
    while (runIds.find()) {
      links.add(new Link("run " + runIds.group(1), "/runs/" + runIds.group(1)));
    }
    return new Expected(reason.get(), links);
  }

  // ---- runs

  @GetMapping(value = "/runs", produces = HTML)
  String runs(Model model, HttpServletResponse response) {
    common(model, response, "Tool runs");
    model.addAttribute(
        "runs", seeding.cluster().isPresent() ? runs.list(null, null, LIST_LIMIT) : List.of());
    model.addAttribute("refresh", true);
    return "pages/runs";
  }

  /** One broken rule and the sentinels under it. */
  record RuleGroup(String rule, List<ViolationRow> violations) {}

  /** One violation: which sentinel, what happened, why it broke the rule. */
  record ViolationRow(String sentinel, String tenant, String happened, String explanation) {}

  @GetMapping(value = "/runs/{id}", produces = HTML)
  String run(@PathVariable String id, Model model, HttpServletResponse response) {
    common(model, response, "Run " + id);
    Optional<ToolRun> found = runs.find(id);
    if (found.isEmpty()) {
      return notFound(model, response, "no run " + id);
    }
    ToolRun run = found.get();
    JsonNode result = readTree(run.resultJson());
    Map<String, List<ViolationRow>> byRule = new LinkedHashMap<>();
    for (JsonNode v : result.path("violations")) {
      JsonNode s = v.path("sentinel");
      String sentinel =
          s.isObject()
              ? DiffTree.text(s, "kind")
                  + " "
                  + (DiffTree.text(s, "namespace") == null
                      ? ""
                      : DiffTree.text(s, "namespace") + "/")
                  + DiffTree.text(s, "name")
              : "the run as a whole";
      byRule
          .computeIfAbsent(DiffTree.text(v, "rule"), r -> new ArrayList<>())
          .add(
              new ViolationRow(
                  sentinel,
                  DiffTree.text(v, "tenant"),
                  DiffTree.text(v, "happened"),
                  DiffTree.text(v, "explanation")));
    }
    List<RuleGroup> rules = new ArrayList<>();
    byRule.forEach((rule, rows) -> rules.add(new RuleGroup(rule, rows)));
    List<String> warnings = new ArrayList<>();
    result.path("warnings").forEach(w -> warnings.add(w.asText()));
    model.addAttribute("run", run);
    model.addAttribute(
        "verdictSymbol", verdictSymbol(run.verdict() == null ? null : run.verdict().name()));
    model.addAttribute("summary", DiffTree.text(result, "summary"));
    model.addAttribute("reason", DiffTree.text(result, "reason"));
    model.addAttribute("attribution", DiffTree.text(result, "attribution"));
    model.addAttribute("rules", rules);
    model.addAttribute("warnings", warnings);
    model.addAttribute("settle", result.path("settle").isObject() ? result.path("settle") : null);
    model.addAttribute("settleSeconds", DiffTree.text(result.path("settle"), "waitedSeconds"));
    model.addAttribute("settleQuiet", DiffTree.text(result.path("settle"), "quiet"));
    model.addAttribute("tree", DiffTree.fromJson(result.path("diff")));
    model.addAttribute("runIncidents", runs.incidentsOf(id));
    model.addAttribute("acknowledgement", runs.acknowledgement(id).orElse(null));
    model.addAttribute("alerts", deliveries.forSubject(id));
    model.addAttribute("pipelineUrl", httpUrl(run.pipelineUrl()));
    model.addAttribute("refresh", !run.completed());
    String api = publicBase + "/api/v1/runs/" + id;
    model.addAttribute("apiJson", "/api/v1/runs/" + id);
    model.addAttribute("reportBase", "/api/v1/runs/" + id + "/report?format=");
    model.addAttribute(
        "acknowledgeCommand",
        run.verdict() == io.stagingcanary.runs.ToolRun.Verdict.FAIL
            ? "curl -X POST -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json'"
                + " -d '{\"who\":\"<you>\",\"why\":\"<why>\"}' "
                + api
                + "/acknowledge"
            : null);
    return "pages/run";
  }

  // ---- helpers

  private void common(Model model, HttpServletResponse response, String title) {
    response.setHeader("Cache-Control", "no-store");
    response.setHeader(
        "Content-Security-Policy",
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action"
            + " 'none'; frame-ancestors 'none'");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "no-referrer");
    model.addAttribute("title", title);
    model.addAttribute("cluster", seeding.cluster().map(ClusterIdentity::name).orElse(null));
    model.addAttribute("now", Instant.now());
    model.addAttribute("refresh", false);
  }

  private static String notFound(Model model, HttpServletResponse response, String what) {
    response.setStatus(HttpServletResponse.SC_NOT_FOUND);
    model.addAttribute("title", "Not found");
    model.addAttribute("message", what);
    return "pages/not-found";
  }

  static String status(Incident incident) {
    return incident.resolvedAt() != null ? "resolved" : incident.isSealed() ? "open" : "collecting";
  }

  private static String stateSymbol(AgentState state) {
    return switch (state) {
      case HEALTHY -> "✔";
      case LOSS -> "✘";
      case BLIND -> "◌";
      case STARTING -> "…";
    };
  }

  private static String verdictSymbol(String verdict) {
    if (verdict == null) {
      return "…";
    }
    return switch (verdict) {
      case "PASS" -> "✔";
      case "FAIL" -> "✘";
      default -> "!";
    };
  }

  /** A URL shown as a link only when it is plain http(s); anything else stays text. */
  static String httpUrl(String url) {
    if (url == null) {
      return null;
    }
    String lower = url.strip().toLowerCase(java.util.Locale.ROOT);
    return lower.startsWith("https://") || lower.startsWith("http://") ? url.strip() : null;
  }

  private static String keyId(SentinelView v) {
    return new ResourceKey(v.apiVersion(), v.kind(), v.namespace(), v.name()).id();
  }

  private static JsonNode readTree(String json) {
    if (json == null || json.isBlank()) {
      return MAPPER.createObjectNode();
    }
    try {
      return MAPPER.readTree(json);
    } catch (Exception e) {
      return MAPPER.createObjectNode();
    }
  }
}
