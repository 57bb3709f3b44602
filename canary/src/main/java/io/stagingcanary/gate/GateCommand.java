package io.stagingcanary.gate;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The CI gate: runs an ops-tool command under the agent's runs API and exits with the verdict. JDK
 * only, so it starts without booting the agent: {@code java -jar canary-gate.jar ...} (the gate's
 * own small jar, {@link GateMain}) or {@code java -jar canary.jar gate ...}.
 */
public final class GateCommand {

  /** PASS, and the wrapped command succeeded. */
  public static final int PASS = 0;

  /** FAIL: the run broke its policy. */
  public static final int FAIL = 1;

  /** Could not judge: usage, server unreachable, auth, preflight failed, ERROR verdict. */
  public static final int NOT_JUDGED = 2;

  /** The wrapped command failed, but nothing was violated. */
  public static final int COMMAND_FAILED = 3;

  /** The exit code a command stopped before it started is recorded with (128 + SIGTERM). */
  static final int STOPPED = 143;

  /** How long a stopped command may take to end before it is killed. */
  static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /** The program name in {@code java -jar canary.jar gate}. */
  static final String IN_AGENT_JAR = "java -jar canary.jar gate";

  static final String USAGE =
      """
      Usage:
        GATE --server URL [--token-file F] --tool NAME --tool-version V
            [--policy P] [--commit SHA] [--pipeline-url URL] [--identity USER]
            [--allow-unhealthy-baseline]
            [--junit FILE] [--markdown FILE] [--json FILE] [--settle 30s] [--timeout 10m]
            -- COMMAND [ARGS...]
        GATE begin --server URL [--token-file F] --tool NAME --tool-version V
            [--policy P] [--commit SHA] [--pipeline-url URL] [--identity USER]
            [--allow-unhealthy-baseline]
            [--junit FILE] [--markdown FILE] [--json FILE]
        GATE complete RUN_ID --server URL [--token-file F] [--exit-code N]
            [--junit FILE] [--markdown FILE] [--json FILE] [--settle 30s] [--timeout 10m]

      Runs an ops tool under the Staging Canary CI gate: starts a run (preflight: every sentinel
      present, before snapshot), runs COMMAND with its output streamed, completes the run (the
      agent waits until the cluster is quiet, takes the after snapshot and judges the diff against
      the tool's policy), prints the verdict and the grouped diff, writes the reports, and exits.
      'GATE begin' prints only the run id on stdout; 'GATE complete' finishes a run begun that way.
      SIGTERM or SIGINT stops COMMAND (SIGKILL after 10s) and completes the run with its status.

      Options:
        --server URL          the agent, e.g. http://staging-canary:8080 (or CANARY_SERVER)
        --token-file F        file holding the API bearer token: the first line that is neither
                              blank nor a '#' comment (default: CANARY_API_TOKEN)
        --tool NAME           the ops tool; its policy is <policies>/NAME.yaml unless --policy
        --tool-version V      the version under test (shown in reports and alerts)
        --policy P            judge against policy P instead of the tool's own
        --commit SHA          commit of the tool under test (optional)
        --pipeline-url URL    link to the pipeline (optional)
        --identity USER       the Kubernetes user the tool acts as, e.g.
                              system:serviceaccount:ops:prune-users (optional); the report
                              flags sentinel changes made during the run by anyone else
        --allow-unhealthy-baseline
                              start even if some sentinels are not present; the actual
                              before snapshot is the baseline
        --junit FILE          write a JUnit XML report (one failing test case per violation; one
                              erroring test case when the gate could not judge)
        --markdown FILE       write a Markdown report (for merge-request comments, job summaries)
        --json FILE           write the JSON result
        --settle D            quiet period before the after snapshot, e.g. 30s; 0s or more
                              (the agent caps it at canary.runs.settle-max)
        --timeout D           longest wait for one API call, more than 0s (default 10m)
        --exit-code N         (complete) exit code of the command run between begin and complete
        -h, --help            this help

      Exit codes:
        0  PASS: nothing outside the tool's blast radius changed, and the command succeeded
        1  FAIL: the run broke its policy (violations are printed and in the reports)
        2  could not judge: bad usage, unknown host, agent unreachable, unreadable token file,
           authentication refused, preflight failed (sentinels missing at the start), or an
           ERROR verdict (e.g. blind during the run)
        3  the wrapped command failed, but nothing was violated
        The reports asked for are written on every exit code.

      Progress goes to stderr; the verdict and the grouped diff to stdout.
      """;

  private final PrintStream out;
  private final PrintStream err;
  private final String program;

  GateCommand(PrintStream out, PrintStream err) {
    this(out, err, IN_AGENT_JAR);
  }

  GateCommand(PrintStream out, PrintStream err, String program) {
    this.out = out;
    this.err = err;
    this.program = program;
  }

  /** Entry point from the agent jar's main: {@code args} without the leading {@code gate}. */
  public static int run(String[] args) {
    return new GateCommand(System.out, System.err).execute(args);
  }

  /** The usage text with this entry point's program name. */
  String usage() {
    return USAGE.replace("GATE", program);
  }

  /** Runs the command; returns the exit code. */
  int execute(String[] args) {
    Options options = Options.parse(args);
    GateReports reports = new GateReports(options.junit, options.markdown, options.json, err);
    if (options.help) {
      out.print(usage());
      return PASS;
    }
    if (options.problem != null) {
      err.println("gate: " + options.problem);
      err.println("Run '" + program + " --help' for usage.");
      return notJudged(reports, options, null, "bad usage: " + options.problem);
    }
    String token;
    try {
      token = options.token();
    } catch (IllegalArgumentException e) {
      err.println("gate: " + e.getMessage());
      return notJudged(reports, options, null, e.getMessage());
    }
    RunsClient client = new RunsClient(options.serverUri, token, options.timeout);
    try {
      client.resolve();
    } catch (RunsClient.RunsException e) {
      return notJudged(reports, options, options.runId, e);
    }
    return switch (options.mode) {
      case "begin" -> begin(client, options, reports);
      case "complete" -> complete(client, options, reports, options.runId, options.exitCode);
      default -> wrap(client, options, reports);
    };
  }

  private int begin(RunsClient client, Options options, GateReports reports) {
    try {
      RunsClient.Begun begun = start(client, options);
      out.println(begun.id());
      return PASS;
    } catch (RunsClient.RunsException e) {
      return notJudged(reports, options, null, e);
    }
  }

  private int wrap(RunsClient client, Options options, GateReports reports) {
    // Installed before the run begins: a stop during 'begin' still completes the run it opened.
    StopSignal signal = StopSignal.install(STOP_GRACE, options.timeout.plus(STOP_GRACE), err);
    try {
      return wrap(client, options, reports, signal);
    } finally {
      out.flush();
      err.flush();
      signal.finished();
    }
  }

  private int wrap(RunsClient client, Options options, GateReports reports, StopSignal signal) {
    RunsClient.Begun begun;
    try {
      begun = start(client, options);
    } catch (RunsClient.RunsException e) {
      return notJudged(reports, options, null, e);
    }
    Integer exitCode = null;
    try {
      exitCode = runCommand(options, signal);
      return complete(client, options, reports, begun.id(), exitCode);
    } catch (RuntimeException e) {
      // The gate's own error: the run must not stay open (it would hold re-seeding back).
      String reason = client.redact("the gate failed: " + e);
      err.println("gate: " + reason);
      closeQuietly(client, begun.id(), exitCode);
      return notJudged(reports, options, begun.id(), reason);
    }
  }

  /** Runs the wrapped command; its exit code (127: could not start, 143: stopped before it). */
  private int runCommand(Options options, StopSignal signal) {
    if (signal.stopping()) {
      progress("stopped before the command started");
      return STOPPED;
    }
    progress("running: " + String.join(" ", options.command));
    long started = System.nanoTime();
    int exitCode;
    try {
      Process process = new ProcessBuilder(options.command).inheritIO().start();
      signal.watch(process);
      exitCode = process.waitFor();
    } catch (IOException e) {
      err.println("gate: cannot start " + options.command.get(0) + ": " + e.getMessage());
      exitCode = 127;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exitCode = 130;
    }
    progress(
        "command exited with "
            + exitCode
            + " after "
            + Duration.ofNanos(System.nanoTime() - started).toMillis()
            + " ms");
    return exitCode;
  }

  private void closeQuietly(RunsClient client, String runId, Integer exitCode) {
    try {
      client.complete(runId, exitCode, null);
      progress("run " + runId + " completed");
    } catch (RunsClient.RunsException | RuntimeException e) {
      err.println(
          "gate: cannot complete run "
              + runId
              + " ("
              + e.getMessage()
              + "); the agent expires it after canary.runs.max-duration");
    }
  }

  private RunsClient.Begun start(RunsClient client, Options options)
      throws RunsClient.RunsException {
    progress(
        "preflight: starting a run of "
            + options.tool
            + " "
            + options.version
            + " on "
            + options.serverUri);
    RunsClient.Begun begun =
        client.begin(
            new RunsClient.BeginRequest(
                options.tool,
                options.version,
                options.commit,
                options.pipelineUrl,
                options.policy,
                options.allowUnhealthyBaseline,
                options.identity));
    Object baseline = begun.run().get("baseline");
    String present = baseline instanceof Map<?, ?> b ? String.valueOf(b.get("present")) : "?";
    progress(
        "run "
            + begun.id()
            + " started (policy "
            + (begun.run().get("policy") == null ? "none" : begun.run().get("policy"))
            + "), baseline: "
            + present
            + " sentinels present");
    return begun;
  }

  private int complete(
      RunsClient client, Options options, GateReports reports, String runId, Integer exitCode) {
    progress(
        "settling and diffing run "
            + runId
            + (options.settle == null ? "" : " (settle " + options.settle.toSeconds() + "s)"));
    Map<String, Object> result;
    try {
      result = client.complete(runId, exitCode, options.settle);
    } catch (RunsClient.RunsException e) {
      if (e.problem() == RunsClient.Problem.HTTP && e.status() == 400 && options.settle != null) {
        // The agent refused the settle: close the run with its default rather than leave it open.
        err.println("gate: " + e.getMessage());
        closeQuietly(client, runId, exitCode);
        return notJudged(reports, options, runId, e);
      }
      return notJudged(reports, options, runId, e);
    }
    Object text = result.get("text");
    if (text != null) {
      out.print(text);
    }
    String verdict = String.valueOf(result.get("verdict"));
    Object tool = result.get("tool");
    Object version = result.get("version");
    reports.fromAgent(
        client,
        runId,
        tool == null ? options.tool : tool.toString(),
        version == null ? options.version : version.toString());
    progress("verdict " + verdict + " for run " + runId);
    return switch (verdict) {
      case "PASS" -> exitCode == null || exitCode == 0 ? PASS : COMMAND_FAILED;
      case "FAIL" -> FAIL;
      default -> NOT_JUDGED;
    };
  }

  private int notJudged(
      GateReports reports, Options options, String runId, RunsClient.RunsException e) {
    err.println(
        "gate: could not judge ("
            + e.problem().name().toLowerCase(Locale.ROOT).replace('_', ' ')
            + "): "
            + e.getMessage());
    if (e.problem() == RunsClient.Problem.PREFLIGHT && e.body() instanceof Map<?, ?> body) {
      if (body.get("sentinels") instanceof List<?> sentinels) {
        for (Object s : sentinels) {
          if (s instanceof Map<?, ?> m) {
            err.println(
                "  "
                    + m.get("state")
                    + " "
                    + m.get("kind")
                    + " "
                    + (m.get("namespace") == null ? "" : m.get("namespace") + "/")
                    + m.get("name")
                    + " (tenant "
                    + m.get("tenant")
                    + ")");
          }
        }
      }
    }
    return notJudged(
        reports,
        options,
        runId,
        e.problem().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + e.getMessage());
  }

  private int notJudged(GateReports reports, Options options, String runId, String reason) {
    reports.notJudged(new GateReports.NotJudged(options.tool, options.version, runId, reason));
    return NOT_JUDGED;
  }

  private void progress(String message) {
    err.println("[gate] " + message);
  }

  /** Parsed command line; {@link #problem} names the first thing wrong with it. */
  static final class Options {
    private static final Set<String> FLAGS = Set.of("-h", "--help", "--allow-unhealthy-baseline");
    private static final Set<String> VALUED =
        Set.of(
            "--server",
            "--token-file",
            "--tool",
            "--tool-version",
            "--policy",
            "--commit",
            "--pipeline-url",
            "--identity",
            "--junit",
            "--markdown",
            "--json",
            "--settle",
            "--timeout",
            "--exit-code");
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    String mode = "wrap";
    boolean help;
    String problem;
    String server = System.getenv("CANARY_SERVER");
    URI serverUri;
    Path tokenFile;
    String tool;
    String version;
    String policy;
    String commit;
    String pipelineUrl;
    String identity;
    boolean allowUnhealthyBaseline;
    Path junit;
    Path markdown;
    Path json;
    Duration settle;
    Duration timeout = Duration.ofMinutes(10);
    String runId;
    Integer exitCode;
    List<String> command = new ArrayList<>();

    /** Parses everything it can (report paths too), keeping the first problem found. */
    static Options parse(String[] args) {
      Options o = new Options();
      List<String> list = new ArrayList<>(Arrays.asList(args));
      if (!list.isEmpty() && (list.get(0).equals("begin") || list.get(0).equals("complete"))) {
        o.mode = list.remove(0);
        if (o.mode.equals("complete")) {
          if (list.isEmpty() || list.get(0).startsWith("-")) {
            o.problem("'gate complete' needs a RUN_ID (the id 'gate begin' printed)");
          } else {
            o.runId = list.remove(0);
            if (!RUN_ID.matcher(o.runId).matches()) {
              o.problem(
                  "'" + printable(o.runId) + "' is not a run id (the id 'gate begin' printed)");
            }
          }
        }
      }
      for (int i = 0; i < list.size(); i++) {
        String arg = list.get(i);
        if (arg.equals("--")) {
          o.command = List.copyOf(list.subList(i + 1, list.size()));
          break;
        }
        if (!arg.startsWith("-")) {
          o.problem(
              "unexpected argument '" + printable(arg) + "' (the command to run goes after '--')");
          continue;
        }
        int eq = arg.indexOf('=');
        boolean inline = arg.startsWith("--") && eq > 0;
        String name = inline ? arg.substring(0, eq) : arg;
        if (FLAGS.contains(name)) {
          if (inline) {
            o.problem(name + " takes no value");
          } else if (name.equals("--allow-unhealthy-baseline")) {
            o.allowUnhealthyBaseline = true;
          } else {
            o.help = true;
          }
          continue;
        }
        if (!VALUED.contains(name)) {
          o.problem("unknown option " + printable(name));
          continue;
        }
        String value;
        if (inline) {
          value = arg.substring(eq + 1);
        } else if (i + 1 < list.size() && !list.get(i + 1).startsWith("--")) {
          value = list.get(++i);
        } else {
          o.problem(name + " needs a value");
          continue;
        }
        try {
          o.set(name, value);
        } catch (IllegalArgumentException e) {
          o.problem(e.getMessage());
        }
      }
      if (o.help || o.problem != null) {
        return o;
      }
      o.validate();
      return o;
    }

    private void problem(String message) {
      if (problem == null) {
        problem = message;
      }
    }

    private void validate() {
      if (server == null || server.isBlank()) {
        problem("--server URL is required (or set CANARY_SERVER)");
        return;
      }
      if (!server.startsWith("http://") && !server.startsWith("https://")) {
        problem("--server must be an http(s) URL, not '" + printable(server) + "'");
        return;
      }
      try {
        serverUri = new URI(server.strip());
      } catch (URISyntaxException e) {
        problem("--server '" + printable(server) + "' is not a URL: " + e.getReason());
        return;
      }
      if (serverUri.getHost() == null || serverUri.getHost().isBlank()) {
        problem("--server '" + printable(server) + "' names no host");
        return;
      }
      if (!mode.equals("complete")) {
        if (tool == null) {
          problem("--tool NAME is required");
        } else if (version == null || version.isBlank()) {
          problem(
              "--tool-version V is required (in CI, fall back to the commit SHA when there is no"
                  + " tag)");
        }
      }
      if (mode.equals("wrap") && command.isEmpty()) {
        problem("no command: put the ops tool after '--' (or use 'gate begin' / 'gate complete')");
      }
      if (!mode.equals("wrap") && !command.isEmpty()) {
        problem("'gate " + mode + "' takes no command after '--'");
      }
    }

    private void set(String name, String value) {
      switch (name) {
        case "--server" -> server = value;
        case "--token-file" -> tokenFile = Path.of(value);
        case "--tool" -> tool = value;
        case "--tool-version" -> version = value;
        case "--policy" -> policy = value;
        case "--commit" -> commit = value;
        case "--pipeline-url" -> pipelineUrl = value;
        case "--identity" -> identity = value;
        case "--junit" -> junit = Path.of(value);
        case "--markdown" -> markdown = Path.of(value);
        case "--json" -> json = Path.of(value);
        case "--settle" -> {
          settle = duration(name, value);
          if (settle.isNegative()) {
            throw new IllegalArgumentException("--settle must be 0s or more, not '" + value + "'");
          }
        }
        case "--timeout" -> {
          timeout = duration(name, value);
          if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(
                "--timeout must be more than 0s, e.g. 10m, not '" + value + "'");
          }
        }
        case "--exit-code" -> {
          try {
            exitCode = Integer.parseInt(value.strip());
          } catch (NumberFormatException e) {
            exitCode = -1;
          }
          if (exitCode < 0) {
            throw new IllegalArgumentException(
                "--exit-code needs a number 0 or more, not '" + printable(value) + "'");
          }
        }
        default -> throw new IllegalArgumentException("unknown option " + name);
      }
    }

    /**
     * The bearer token: from --token-file (the agent's format: the first line that is neither blank
     * nor a {@code #} comment), else CANARY_API_TOKEN, else none. Messages never show it.
     */
    String token() {
      if (tokenFile != null) {
        List<String> lines;
        try {
          lines = Files.readAllLines(tokenFile, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
          throw new IllegalArgumentException(
              "cannot read --token-file " + tokenFile + ": " + reason(e));
        }
        for (String line : lines) {
          String token = line.strip();
          if (!token.isEmpty() && !token.startsWith("#")) {
            return checked(token, "the token in " + tokenFile);
          }
        }
        throw new IllegalArgumentException(
            "--token-file " + tokenFile + " holds no token (only blank or '#' comment lines)");
      }
      String env = System.getenv("CANARY_API_TOKEN");
      return env == null || env.isBlank() ? null : checked(env.strip(), "CANARY_API_TOKEN");
    }

    /** A token must fit an HTTP header: visible ASCII, no spaces. */
    private static String checked(String token, String source) {
      for (int i = 0; i < token.length(); i++) {
        char c = token.charAt(i);
        if (c < 0x21 || c > 0x7e) {
          throw new IllegalArgumentException(
              source
                  + " has a character an HTTP header cannot carry (at position "
                  + (i + 1)
                  + "); a token is one line of visible ASCII");
        }
      }
      return token;
    }

    private static String reason(Exception e) {
      if (e instanceof NoSuchFileException) {
        return "no such file";
      }
      if (e instanceof AccessDeniedException) {
        return "permission denied";
      }
      if (e instanceof MalformedInputException) {
        return "not UTF-8 text";
      }
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** A user-supplied value shown in a one-line message. */
    private static String printable(String value) {
      String line = value.replaceAll("\\p{Cntrl}", "?");
      return line.length() > 80 ? line.substring(0, 80) + "..." : line;
    }

    /** {@code 30s}, {@code 500ms}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT30S}). */
    static Duration duration(String name, String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      try {
        if (v.startsWith("pt") || v.startsWith("-pt")) {
          return Duration.parse(v.toUpperCase(Locale.ROOT));
        }
        if (v.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        long n = Long.parseLong(v.substring(0, v.length() - 1));
        return switch (v.charAt(v.length() - 1)) {
          case 's' -> Duration.ofSeconds(n);
          case 'm' -> Duration.ofMinutes(n);
          case 'h' -> Duration.ofHours(n);
          default -> throw new IllegalArgumentException();
        };
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            name + " needs a duration such as 30s, 500ms or 2m, not '" + printable(value) + "'");
      }
    }
  }
}
