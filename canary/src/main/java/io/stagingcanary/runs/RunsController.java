package io.stagingcanary.runs;

import io.stagingcanary.diff.Json;
import io.stagingcanary.diff.SentinelResult;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Ops-tool runs: begin, complete, list, read, reports. The POST endpoints are mutating, so the
 * API's bearer-token filter guards them.
 */
@RestController
@RequestMapping("/api/v1/runs")
class RunsController {

  private static final MediaType PROBLEM = MediaType.APPLICATION_PROBLEM_JSON;

  private final RunService runs;

  RunsController(RunService runs) {
    this.runs = runs;
  }

  /** Body of {@code POST /api/v1/runs}. */
  record BeginBody(
      String tool,
      String version,
      String commit,
      String pipelineUrl,
      String policy,
      Boolean allowUnhealthyBaseline,
      String identity) {}

  /** Body of {@code POST /api/v1/runs/{id}/acknowledge}: who takes the violation, and why. */
  record AcknowledgeBody(String who, String why) {}

  /** Body of {@code POST /api/v1/runs/{id}/complete}; settle like {@code 30s}. */
  record CompleteBody(Integer exitCode, String settle) {}

  @PostMapping(produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<String> begin(@RequestBody(required = false) BeginBody body) {
    if (body == null) {
      throw new RunService.BadRequest("body", "a JSON object {tool, version, ...} is required");
    }
    ToolRun run =
        runs.begin(
            new RunService.BeginRequest(
                body.tool(),
                body.version(),
                body.commit(),
                body.pipelineUrl(),
                body.policy(),
                Boolean.TRUE.equals(body.allowUnhealthyBaseline()),
                ToolRun.Source.API,
                null,
                body.identity()));
    return ResponseEntity.status(HttpStatus.CREATED)
        .header("Location", "/api/v1/runs/" + run.id())
        .contentType(MediaType.APPLICATION_JSON)
        .body(RunReports.runningJson(run));
  }

  @PostMapping(value = "/{id}/complete", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<String> complete(
      @PathVariable String id, @RequestBody(required = false) CompleteBody body) {
    Duration settle = null;
    if (body != null && body.settle() != null && body.settle().length() > 32) {
      throw new RunService.BadRequest("settle", "longer than 32 characters");
    }
    if (body != null && body.settle() != null && !body.settle().isBlank()) {
      try {
        settle = DurationStyle.detectAndParse(body.settle().trim());
      } catch (IllegalArgumentException | DateTimeParseException e) {
        throw new RunService.BadRequest(
            "settle", "'" + body.settle() + "' is not a duration such as 30s or 2m");
      }
    }
    ToolRun run = runs.complete(id, body == null ? null : body.exitCode(), settle);
    return json(run.resultJson());
  }

  @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<String> list(
      @RequestParam(required = false) String tool,
      @RequestParam(required = false) String verdict,
      @RequestParam(defaultValue = "100") int limit) {
    List<ToolRun> found = runs.list(tool, verdict, Math.max(1, Math.min(limit, 1000)));
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < found.size(); i++) {
      out.append(i == 0 ? "\n" : ",\n").append(RunReports.runningJson(found.get(i)).strip());
    }
    return json(out.append(found.isEmpty() ? "]" : "\n]").append('\n').toString());
  }

  @GetMapping(value = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<String> get(@PathVariable String id) {
    ToolRun run = find(id);
    if (!run.completed()) {
      return json(RunReports.runningJson(run));
    }
    return json(
        RunReports.withOnCall(
            run.resultJson(), runs.incidentsOf(id), runs.acknowledgement(id).orElse(null)));
  }

  /**
   * Acknowledges the violation of a FAIL run: records who and why, and resolves its {@code
   * ToolRunViolation} on every channel.
   */
  @PostMapping(value = "/{id}/acknowledge", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<String> acknowledge(
      @PathVariable String id, @RequestBody(required = false) AcknowledgeBody body) {
    if (body == null) {
      throw new RunService.BadRequest("body", "a JSON object {who, why} is required");
    }
    Acknowledgement ack = runs.acknowledge(id, body.who(), body.why());
    return json(Json.pretty(RunReports.acknowledgementFields(ack)) + "\n");
  }

  @GetMapping("/{id}/report")
  ResponseEntity<String> report(
      @PathVariable String id, @RequestParam(defaultValue = "json") String format) {
    ToolRun run = find(id);
    if (!run.completed()) {
      return problem(
          HttpStatus.CONFLICT, "Run not completed", "run " + id + " has no verdict yet", null);
    }
    return switch (format) {
      case "json" -> json(run.resultJson());
      case "markdown" ->
          ResponseEntity.ok()
              .contentType(MediaType.parseMediaType("text/markdown;charset=UTF-8"))
              .body(run.markdown());
      case "text" ->
          ResponseEntity.ok()
              .contentType(MediaType.parseMediaType("text/plain;charset=UTF-8"))
              .body(run.text());
      case "junit" ->
          ResponseEntity.ok()
              .contentType(MediaType.parseMediaType("application/xml;charset=UTF-8"))
              .body(run.junit());
      default ->
          problem(
              HttpStatus.BAD_REQUEST,
              "Bad format",
              "format must be json, markdown, text or junit, not '" + format + "'",
              null);
    };
  }

  private ToolRun find(String id) {
    return runs.find(id).orElseThrow(() -> new RunService.NotFound(id));
  }

  @ExceptionHandler(RunService.BadRequest.class)
  ResponseEntity<String> badRequest(RunService.BadRequest e) {
    return problem(HttpStatus.BAD_REQUEST, "Bad run request", e.getMessage(), null);
  }

  @ExceptionHandler(RunService.NotFound.class)
  ResponseEntity<String> notFound(RunService.NotFound e) {
    return problem(HttpStatus.NOT_FOUND, "No such run", e.getMessage(), null);
  }

  @ExceptionHandler(RunService.NotAcknowledgeable.class)
  ResponseEntity<String> notAcknowledgeable(RunService.NotAcknowledgeable e) {
    return problem(HttpStatus.CONFLICT, "Cannot acknowledge", e.getMessage(), null);
  }

  @ExceptionHandler(RunService.NotReady.class)
  ResponseEntity<String> notReady(RunService.NotReady e) {
    return problem(HttpStatus.SERVICE_UNAVAILABLE, "Agent not ready", e.getMessage(), null);
  }

  @ExceptionHandler(RunService.PreflightFailed.class)
  ResponseEntity<String> preflight(RunService.PreflightFailed e) {
    List<Object> sentinels = new ArrayList<>();
    for (SentinelResult r : e.notPresent()) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("state", r.type().name());
      s.put("apiVersion", r.key().apiVersion());
      s.put("kind", r.key().kind());
      s.put("namespace", r.key().namespace());
      s.put("name", r.key().name());
      s.put("set", r.set());
      s.put("tenant", r.tenant());
      sentinels.add(s);
    }
    return problem(HttpStatus.CONFLICT, "Preflight failed", e.getMessage(), sentinels);
  }

  private static ResponseEntity<String> json(String body) {
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
  }

  private static ResponseEntity<String> problem(
      HttpStatus status, String title, String detail, List<Object> sentinels) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status.value());
    body.put("detail", detail);
    if (sentinels != null) {
      body.put("sentinels", sentinels);
    }
    return ResponseEntity.status(status).contentType(PROBLEM).body(Json.pretty(body) + "\n");
  }
}
