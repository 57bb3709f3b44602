package io.stagingcanary.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.stagingcanary.demo.prune.PruneUsers;
import io.stagingcanary.gate.RunsClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The replay of the 2017 incident ({@code java -jar canary.jar demo}): starts the agent on the
 * sandbox with the {@code openshift-online} set, runs the flawed and then the fixed version of a
 * user-pruning tool under the CI gate, and prints what the gate, the incident and the alert said,
 * with a timeline. Exit 0 when everything happened as the demo claims, 1 when not, 2 on bad usage.
 */
public final class Demo {

  static final String TOOL = "prune-unpaid-users";
  static final String SET = "openshift-online";
  static final int EXIT_OK = 0;
  static final int EXIT_UNEXPECTED = 1;
  static final int EXIT_USAGE = 2;

  private static final String USAGE =
      """
      usage: java -jar canary.jar demo [--fixtures DIR] [--data-dir DIR] [--keep-running]
                                       [--spring-property=value ...]

      Replays the 2017 user-pruning incident on the embedded sandbox cluster:
        1. starts the agent with the openshift-online sentinel set and waits until it is seeded;
        2. runs prune-unpaid-users 1.0.0 (flawed: its selector input is wrong) under the CI gate:
           verdict FAIL with the grouped diff of what paying customers lost, an incident, an alert;
        3. waits for the lost sentinels to be re-seeded (only after the incident was stored);
        4. runs prune-unpaid-users 1.0.1 (fixed: users matched to projects strictly by ownership):
           verdict PASS, the bait tenants removed and then re-seeded for the next run;
        5. prints a timeline.

        --fixtures DIR   the fixtures folder with openshift-online/ and policies/ (default: fixtures)
        --data-dir DIR   where the agent keeps its ledger and the sandbox kubeconfig (default: a new
                         temporary folder)
        --keep-running   leave the agent and sandbox running afterwards (stop with Ctrl-C)
        --name=value     any other agent property, e.g. --canary.alerts.slack[0].url=https://...

      Exit codes: 0 the demo showed what it claims; 1 something did not happen as expected;
      2 bad usage.
      """;

  private final PrintStream out;
  private final Timeline timeline;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<String> surprises = new ArrayList<>();
  private URI agent;
  private String token;

  Demo(PrintStream out) {
    this.out = out;
    this.timeline = new Timeline(Instant.now());
  }

  /** Parsed command line. */
  record Options(
      Path fixtures, Path dataDir, boolean keepRunning, Map<String, Object> properties) {}

  /**
   * Runs the demo and returns its exit code.
   *
   * @param application the agent's Spring Boot application class
   */
  public static int run(Class<?> application, String[] args, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("demo: " + e.getMessage());
      err.print(USAGE);
      return EXIT_USAGE;
    }
    if (options == null) {
      out.print(USAGE);
      return EXIT_OK;
    }
    if (!Files.isDirectory(options.fixtures().resolve(SET))
        || !Files.isRegularFile(options.fixtures().resolve("policies").resolve(TOOL + ".yaml"))) {
      err.println(
          "demo: --fixtures "
              + options.fixtures().toAbsolutePath()
              + " must hold "
              + SET
              + "/ and policies/"
              + TOOL
              + ".yaml; run the demo from the repository root or pass --fixtures");
      return EXIT_USAGE;
    }
    return new Demo(out).replay(application, options);
  }

  static Options parse(String[] args) {
    Path fixtures = Path.of("fixtures");
    Path dataDir = null;
    boolean keepRunning = false;
    Map<String, Object> properties = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "demo" -> {
          if (i != 0) {
            throw new IllegalArgumentException("unexpected argument 'demo'");
          }
        }
        case "--help", "-h" -> {
          return null;
        }
        case "--fixtures" -> fixtures = Path.of(value(args, ++i, arg));
        case "--data-dir" -> dataDir = Path.of(value(args, ++i, arg));
        case "--keep-running" -> keepRunning = true;
        default -> {
          int eq = arg.indexOf('=');
          if (!arg.startsWith("--") || eq < 3) {
            throw new IllegalArgumentException("unknown argument '" + arg + "'");
          }
          properties.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
      }
    }
    return new Options(fixtures, dataDir, keepRunning, properties);
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  int replay(Class<?> application, Options options) {
    Path dataDir;
    try {
      dataDir =
          options.dataDir() != null
              ? Files.createDirectories(options.dataDir())
              : Files.createTempDirectory("staging-canary-demo-");
    } catch (IOException e) {
      out.println("demo: cannot create the data directory: " + e.getMessage());
      return EXIT_USAGE;
    }
    headline("Staging Canary: replay of the 2017 user-pruning incident");
    out.println("agent data and log: " + dataDir.toAbsolutePath());
    ConfigurableApplicationContext context = startAgent(application, options, dataDir);
    boolean done = false;
    try {
      agent =
          URI.create(
              "http://localhost:"
                  + context.getEnvironment().getProperty("local.server.port")
                  + "/");
      token = Files.readString(dataDir.resolve("api-token")).strip();
      JsonNode status =
          await("the agent has seeded every sentinel", Duration.ofSeconds(30), this::healthy);
      int expected = status.path("expected").asInt();
      timeline.add("seeded " + expected + " sentinels of set " + SET);
      out.printf("Seeded %d sentinels. Tenants:%n", expected);
      printTenants();

      Path kubeconfig = dataDir.resolve("kubeconfig");
      try (KubernetesClient cluster = client(kubeconfig)) {
        Step flawed = gatedRun(cluster, PruneUsers.Mode.FLAWED, "1.0.0");
        expect(flawed.verdict().equals("FAIL"), "the flawed version's verdict is FAIL");
        JsonNode incident = awaitIncidentAfter(flawed.toolStartedAt());
        if (incident != null) {
          long detectedMs =
              Duration.between(
                      flawed.toolStartedAt(), Instant.parse(incident.path("openedAt").asText()))
                  .toMillis();
          timeline.add(
              Instant.parse(incident.path("openedAt").asText()),
              "incident "
                  + incident.path("id").asText()
                  + " opened "
                  + detectedMs
                  + " ms after the tool began deleting: "
                  + shortHeadline(incident));
          printAlerts();
        }
        await(
            "the lost sentinels are re-seeded after the incident was stored",
            Duration.ofSeconds(60),
            this::healthy);
        timeline.add("re-seeded what was lost; all sentinels present again");

        Step fixed = gatedRun(cluster, PruneUsers.Mode.FIXED, "1.0.1");
        expect(fixed.verdict().equals("PASS"), "the fixed version's verdict is PASS");
        await(
            "the bait tenants are re-seeded for the next run",
            Duration.ofSeconds(60),
            this::healthy);
        timeline.add("bait tenants re-seeded; all sentinels present again");
        reportExpectedRemoval(fixed.toolStartedAt());
      }
      done = true;
    } catch (DemoFailure e) {
      surprises.add(e.getMessage());
    } catch (IOException e) {
      surprises.add("cannot read the sandbox's files: " + e.getMessage());
    } finally {
      headline("Timeline");
      timeline.print(out);
      if (!surprises.isEmpty()) {
        out.println();
        out.println("NOT AS EXPECTED:");
        surprises.forEach(s -> out.println("  - " + s));
      }
      if (options.keepRunning() && done) {
        out.println();
        out.println(
            "The agent keeps running at "
                + agent
                + " (kubeconfig "
                + dataDir.resolve("kubeconfig")
                + "); Ctrl-C stops it.");
        waitForShutdown();
      } else {
        close(context);
      }
    }
    return surprises.isEmpty() ? EXIT_OK : EXIT_UNEXPECTED;
  }

  private ConfigurableApplicationContext startAgent(
      Class<?> application, Options options, Path dataDir) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("server.port", "0");
    properties.put("canary.sandbox.port", "0");
    properties.put("canary.data-dir", dataDir.toAbsolutePath().toString());
    properties.put("canary.fixtures.path", options.fixtures().toAbsolutePath().toString());
    properties.put("canary.fixtures.sets", SET);
    properties.put("canary.incidents.group-window", "3s");
    properties.put("canary.runs.settle", "2s");
    properties.put("canary.reseed.mode", "after-incident");
    properties.put("logging.file.name", dataDir.resolve("agent.log").toAbsolutePath().toString());
    // The agent logs to agent.log only: the console is the demo's own account.
    properties.put("logging.threshold.console", "OFF");
    properties.putAll(options.properties());
    SpringApplication app = new SpringApplication(application);
    app.setAdditionalProfiles("sandbox");
    // As command-line arguments: they win over application.yaml, as the user's own do.
    String[] args =
        properties.entrySet().stream()
            .map(e -> "--" + e.getKey() + "=" + e.getValue())
            .toArray(String[]::new);
    out.println("starting the agent on the embedded sandbox cluster ...");
    ConfigurableApplicationContext context = app.run(args);
    timeline.add("agent started on the sandbox cluster");
    return context;
  }

  /** One tool version run under the gate. */
  record Step(String runId, String verdict, Instant toolStartedAt) {}

  private Step gatedRun(KubernetesClient cluster, PruneUsers.Mode mode, String version)
      throws DemoFailure {
    String label = TOOL + " " + version + " (" + mode.name().toLowerCase() + ")";
    headline("Run: " + label + " under the CI gate, policy " + TOOL);
    RunsClient runs = new RunsClient(agent, token, Duration.ofMinutes(3));
    try {
      RunsClient.Begun begun =
          runs.begin(new RunsClient.BeginRequest(TOOL, version, null, null, TOOL, false));
      out.println("gate: run " + begun.id() + " started, baseline healthy");
      Instant started = Instant.now();
      timeline.add(started, label + " started under the gate (run " + begun.id() + ")");
      PruneUsers.Result result =
          new PruneUsers(cluster, indented()).run(mode, PruneUsers.DEFAULT_SELECTOR, false);
      timeline.add(
          label
              + " ran: removed "
              + result.users().size()
              + " users and "
              + result.projects().size()
              + " projects "
              + result.projects());
      out.println("gate: settling, then diffing before/after ...");
      Map<String, Object> completed = runs.complete(begun.id(), 0, null);
      String verdict = String.valueOf(completed.get("verdict"));
      out.println();
      out.println(runs.report(begun.id(), "text").strip());
      timeline.add(storedAt(completed), "gate verdict " + verdict + " for " + label);
      return new Step(begun.id(), verdict, started);
    } catch (RunsClient.RunsException e) {
      throw new DemoFailure("the runs API failed (" + e.problem() + "): " + e.getMessage());
    }
  }

  private JsonNode awaitIncidentAfter(Instant since) throws DemoFailure {
    JsonNode incident =
        await(
            "an incident for the loss",
            Duration.ofSeconds(30),
            () -> {
              for (JsonNode candidate : get("api/v1/incidents")) {
                if (Instant.parse(candidate.path("openedAt").asText())
                    .isAfter(since.minusSeconds(1))) {
                  return candidate;
                }
              }
              return null;
            });
    String id = incident.path("id").asText();
    headline("Incident " + id);
    out.println(incident.path("headline").asText());
    out.println(
        "opened "
            + incident.path("openedAt").asText()
            + "; the whole diff: GET /api/v1/incidents/"
            + id
            + " (Accept: text/plain)");
    return incident;
  }

  private void printAlerts() throws DemoFailure {
    JsonNode alerts =
        await(
            "the alerts are delivered",
            Duration.ofSeconds(30),
            () -> {
              JsonNode delivered = get("api/v1/alerts?state=delivered");
              Set<String> names = new TreeSet<>();
              delivered.forEach(a -> names.add(a.path("alertname").asText()));
              // The incident may seal after the verdict: wait until its loss is paged or merged.
              get("api/v1/alerts?state=suppressed")
                  .forEach(
                      a -> {
                        if (a.path("lastError").asText().startsWith("merged into")) {
                          names.add(a.path("alertname").asText());
                        }
                      });
              return names.contains("ToolRunViolation") && names.contains("SentinelLoss")
                  ? delivered
                  : null;
            });
    headline("Alerts delivered (one per problem and channel)");
    for (JsonNode alert : alerts) {
      if (!"firing".equals(alert.path("status").asText())) {
        continue;
      }
      out.printf(
          "  %-17s -> %-8s %s%n",
          alert.path("alertname").asText(),
          alert.path("channel").asText(),
          alert.path("summary").asText());
      Instant at =
          alert.hasNonNull("deliveredAt")
              ? Instant.parse(alert.path("deliveredAt").asText())
              : Instant.now();
      timeline.add(
          at,
          "alert "
              + alert.path("alertname").asText()
              + " delivered to channel "
              + alert.path("channel").asText());
    }
    for (JsonNode alert : get("api/v1/alerts?state=suppressed")) {
      String reason = alert.path("lastError").asText();
      if ("SentinelLoss".equals(alert.path("alertname").asText())
          && "firing".equals(alert.path("status").asText())
          && reason.startsWith("merged into ToolRunViolation")) {
        out.printf(
            "  %-17s    %-8s incident %s %s%n",
            "SentinelLoss", alert.path("channel").asText(), alert.path("subject").asText(), reason);
      }
    }
  }

  /** The bait removal is recorded as an incident but, inside the blast radius, pages nobody. */
  private void reportExpectedRemoval(Instant since) {
    headline("The fixed run's bait removal");
    for (JsonNode incident : get("api/v1/incidents")) {
      if (Instant.parse(incident.path("openedAt").asText()).isAfter(since.minusSeconds(1))) {
        out.println(
            "incident " + incident.path("id").asText() + " recorded: " + shortHeadline(incident));
        timeline.add(
            Instant.parse(incident.path("openedAt").asText()),
            "incident " + incident.path("id").asText() + " recorded the bait removal");
      }
    }
    long paged = 0;
    long suppressed = 0;
    for (JsonNode alert : get("api/v1/alerts")) {
      if ("SentinelLoss".equals(alert.path("alertname").asText())
          && "firing".equals(alert.path("status").asText())
          && Instant.parse(alert.path("createdAt").asText()).isAfter(since)) {
        if ("suppressed".equals(alert.path("state").asText())) {
          suppressed++;
        } else {
          paged++;
        }
      }
    }
    out.println(
        paged == 0
            ? "no SentinelLoss alert: the removal was inside the tool's declared blast radius ("
                + suppressed
                + " alert recorded in the outbox as suppressed)"
            : paged + " SentinelLoss alerts paged for the bait removal");
    expect(paged == 0, "the fixed run's bait removal pages nobody");
  }

  /** When the agent stored the verdict (the report is printed a little later). */
  private static Instant storedAt(Map<String, Object> completed) {
    try {
      return Instant.parse(String.valueOf(completed.get("completedAt")));
    } catch (java.time.format.DateTimeParseException e) {
      return Instant.now();
    }
  }

  private static String shortHeadline(JsonNode incident) {
    String headline = incident.path("headline").asText();
    int detail = headline.indexOf(" — ");
    return detail < 0 ? headline : headline.substring(0, detail);
  }

  private void printTenants() {
    Map<String, Set<String>> kinds = new LinkedHashMap<>();
    for (JsonNode sentinel : get("api/v1/sentinels")) {
      kinds
          .computeIfAbsent(sentinel.path("tenant").asText(), t -> new TreeSet<>())
          .add(sentinel.path("kind").asText());
    }
    kinds.forEach((tenant, k) -> out.printf("  %-12s %s%n", tenant, String.join(", ", k)));
  }

  private JsonNode healthy() {
    JsonNode status = get("api/v1/status");
    return "HEALTHY".equals(status.path("state").asText())
            && status.path("expected").asInt() > 0
            && status.path("present").asInt() == status.path("expected").asInt()
        ? status
        : null;
  }

  private JsonNode get(String path) {
    try {
      return json.readTree(send(path, "application/json"));
    } catch (IOException e) {
      throw new IllegalStateException("GET " + path + ": unreadable answer", e);
    }
  }

  private String send(String path, String accept) {
    HttpRequest request =
        HttpRequest.newBuilder(agent.resolve(path))
            .timeout(Duration.ofSeconds(10))
            .header("Accept", accept)
            .header("Authorization", "Bearer " + token)
            .GET()
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("GET " + path + " answered " + response.statusCode());
      }
      return response.body();
    } catch (IOException e) {
      throw new IllegalStateException("GET " + path + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private interface Probe {
    JsonNode poll();
  }

  private JsonNode await(String what, Duration timeout, Probe probe) throws DemoFailure {
    out.println("waiting: " + what + " ...");
    Instant deadline = Instant.now().plus(timeout);
    String lastProblem = "";
    while (Instant.now().isBefore(deadline)) {
      try {
        JsonNode result = probe.poll();
        if (result != null) {
          return result;
        }
      } catch (IllegalStateException e) {
        lastProblem = " (last answer: " + e.getMessage() + ")";
      }
      try {
        TimeUnit.MILLISECONDS.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new DemoFailure(
        "timed out after " + timeout.toSeconds() + " s waiting until " + what + lastProblem);
  }

  private void expect(boolean condition, String claim) {
    if (!condition) {
      surprises.add("expected: " + claim);
    }
  }

  private PrintStream indented() {
    return new PrintStream(out, true) {
      @Override
      public void println(String line) {
        super.println("  | " + line);
      }

      @Override
      public PrintStream printf(String format, Object... args) {
        super.print("  | " + String.format(format, args));
        return this;
      }
    };
  }

  private void headline(String text) {
    out.println();
    out.println("== " + text);
  }

  private static KubernetesClient client(Path kubeconfig) throws IOException {
    Config config =
        Config.fromKubeconfig(
            null, Files.readString(kubeconfig), kubeconfig.toAbsolutePath().toString());
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Blocks until the JVM is stopped (Ctrl-C); Spring's shutdown hook closes the agent. */
  private static void waitForShutdown() {
    try {
      new java.util.concurrent.CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void close(ConfigurableApplicationContext context) {
    Thread closer = new Thread(context::close, "demo-shutdown");
    closer.setDaemon(true);
    closer.start();
    try {
      closer.join(TimeUnit.SECONDS.toMillis(15));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Something the demo waited for did not happen. */
  static final class DemoFailure extends Exception {
    private static final long serialVersionUID = 1L;

    DemoFailure(String message) {
      super(message);
    }
  }

  /** What happened when, relative to the demo's start, in the order it happened. */
  static final class Timeline {
    private record Event(Instant at, String text) {}

    private final Instant start;
    private final List<Event> events = new ArrayList<>();

    Timeline(Instant start) {
      this.start = start;
    }

    void add(String event) {
      add(Instant.now(), event);
    }

    void add(Instant at, String event) {
      events.add(new Event(at, event));
    }

    void print(PrintStream out) {
      events.stream()
          .sorted(java.util.Comparator.comparing(Event::at))
          .forEach(
              e ->
                  out.printf(
                      "  +%5.1fs  %s%n",
                      Duration.between(start, e.at()).toMillis() / 1000.0, e.text()));
    }
  }
}
