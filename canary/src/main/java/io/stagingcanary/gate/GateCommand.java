package io.stagingcanary.gate;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code java -jar canary.jar gate ...}: runs an ops-tool command under the agent's CI gate and
 * exits with the verdict. JDK only, so it starts without booting the agent.
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

  static final String USAGE =
      """
      Usage:
        java -jar canary.jar gate --server URL [--token-file F] --tool NAME --tool-version V
            [--policy P] [--commit SHA] [--pipeline-url URL] [--allow-unhealthy-baseline]
            [--junit FILE] [--markdown FILE] [--settle 30s] [--timeout 10m] -- COMMAND [ARGS...]
        java -jar canary.jar gate begin --server URL [--token-file F] --tool NAME --tool-version V
            [--policy P] [--commit SHA] [--pipeline-url URL] [--allow-unhealthy-baseline]
        java -jar canary.jar gate complete RUN_ID --server URL [--token-file F] [--exit-code N]
            [--junit FILE] [--markdown FILE] [--settle 30s] [--timeout 10m]

      Runs an ops tool under the Staging Canary CI gate: starts a run (preflight: every sentinel
      present, before snapshot), runs COMMAND with its output streamed, completes the run (the
      agent waits until the cluster is quiet, takes the after snapshot and judges the diff against
      the tool's policy), prints the verdict and the grouped diff, writes the reports, and exits.
      'gate begin' prints only the run id on stdout; 'gate complete' finishes a run begun that way.

      Options:
        --server URL          the agent, e.g. http://staging-canary:8080 (or CANARY_SERVER)
        --token-file F        file holding the API bearer token (default: CANARY_API_TOKEN)
        --tool NAME           the ops tool; its policy is <policies>/NAME.yaml unless --policy
        --tool-version V      the version under test (shown in reports and alerts)
        --policy P            judge against policy P instead of the tool's own
        --commit SHA          commit of the tool under test (optional)
        --pipeline-url URL    link to the pipeline (optional)
        --allow-unhealthy-baseline
                              start even if some sentinels are not present; the actual
                              before snapshot is the baseline
        --junit FILE          write a JUnit XML report (one failing test case per violation)
        --markdown FILE       write a Markdown report (for merge-request comments)
        --settle D            quiet period before the after snapshot, e.g. 30s (server caps it
                              at canary.runs.settle-max; default canary.runs.settle)
        --timeout D           longest wait for one API call (default 10m)
        --exit-code N         (complete) exit code of the command run between begin and complete

      Exit codes:
        0  PASS: nothing outside the tool's blast radius changed, and the command succeeded
        1  FAIL: the run broke its policy (violations are printed and in the reports)
        2  could not judge: bad usage, agent unreachable, authentication refused, preflight
           failed (sentinels missing at the start), or an ERROR verdict (e.g. blind during the run)
        3  the wrapped command failed, but nothing was violated

      Progress goes to stderr; the verdict and the grouped diff to stdout.
      """;

  private final PrintStream out;
  private final PrintStream err;

  GateCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Entry point from the jar's main: {@code args} without the leading {@code gate}. */
  public static int run(String[] args) {
    return new GateCommand(System.out, System.err).execute(args);
  }

  /** Runs the command; returns the exit code. */
  int execute(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("gate: " + e.getMessage());
      err.println("Run 'java -jar canary.jar gate --help' for usage.");
      return NOT_JUDGED;
    }
    if (options.help) {
      out.print(USAGE);
      return PASS;
    }
    RunsClient client;
    try {
      client = new RunsClient(URI.create(options.server), options.token(), options.timeout);
    } catch (IllegalArgumentException | IOException e) {
      err.println("gate: " + e.getMessage());
      return NOT_JUDGED;
    }
    return switch (options.mode) {
      case "begin" -> begin(client, options);
      case "complete" -> complete(client, options, options.runId, options.exitCode);
      default -> wrap(client, options);
    };
  }

  private int begin(RunsClient client, Options options) {
    try {
      RunsClient.Begun begun = start(client, options);
      out.println(begun.id());
      return PASS;
    } catch (RunsClient.RunsException e) {
      return notJudged(e);
    }
  }

  private int wrap(RunsClient client, Options options) {
    RunsClient.Begun begun;
    try {
      begun = start(client, options);
    } catch (RunsClient.RunsException e) {
      return notJudged(e);
    }
    progress("running: " + String.join(" ", options.command));
    int exitCode;
    long started = System.nanoTime();
    try {
      Process process = new ProcessBuilder(options.command).inheritIO().start();
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
    return complete(client, options, begun.id(), exitCode);
  }

  private RunsClient.Begun start(RunsClient client, Options options)
      throws RunsClient.RunsException {
    progress(
        "preflight: starting a run of "
            + options.tool
            + " "
            + options.version
            + " on "
            + options.server);
    RunsClient.Begun begun =
        client.begin(
            new RunsClient.BeginRequest(
                options.tool,
                options.version,
                options.commit,
                options.pipelineUrl,
                options.policy,
                options.allowUnhealthyBaseline));
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

  private int complete(RunsClient client, Options options, String runId, Integer exitCode) {
    progress(
        "settling and diffing run "
            + runId
            + (options.settle == null ? "" : " (settle " + options.settle.toSeconds() + "s)"));
    Map<String, Object> result;
    try {
      result = client.complete(runId, exitCode, options.settle);
    } catch (RunsClient.RunsException e) {
      return notJudged(e);
    }
    Object text = result.get("text");
    if (text != null) {
      out.print(text);
    }
    String verdict = String.valueOf(result.get("verdict"));
    try {
      if (options.junit != null) {
        write(options.junit, client.report(runId, "junit"));
        progress("JUnit report written to " + options.junit);
      }
      if (options.markdown != null) {
        write(options.markdown, client.report(runId, "markdown"));
        progress("Markdown report written to " + options.markdown);
      }
    } catch (RunsClient.RunsException | IOException e) {
      err.println("gate: cannot write a report: " + e.getMessage());
    }
    progress("verdict " + verdict + " for run " + runId);
    return switch (verdict) {
      case "PASS" -> exitCode == null || exitCode == 0 ? PASS : COMMAND_FAILED;
      case "FAIL" -> FAIL;
      default -> NOT_JUDGED;
    };
  }

  private int notJudged(RunsClient.RunsException e) {
    err.println(
        "gate: could not judge ("
            + e.problem().name().toLowerCase(Locale.ROOT)
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
    return NOT_JUDGED;
  }

  private void progress(String message) {
    err.println("[gate] " + message);
  }

  private static void write(Path file, String content) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  /** Parsed command line. */
  static final class Options {
    String mode = "wrap";
    boolean help;
    String server = System.getenv("CANARY_SERVER");
    Path tokenFile;
    String tool;
    String version;
    String policy;
    String commit;
    String pipelineUrl;
    boolean allowUnhealthyBaseline;
    Path junit;
    Path markdown;
    Duration settle;
    Duration timeout = Duration.ofMinutes(10);
    String runId;
    Integer exitCode;
    List<String> command = new ArrayList<>();

    static Options parse(String[] args) {
      Options o = new Options();
      List<String> list = new ArrayList<>(Arrays.asList(args));
      if (!list.isEmpty() && (list.get(0).equals("begin") || list.get(0).equals("complete"))) {
        o.mode = list.remove(0);
        if (o.mode.equals("complete")) {
          if (list.isEmpty() || list.get(0).startsWith("-")) {
            throw new IllegalArgumentException("'gate complete' needs a RUN_ID");
          }
          o.runId = list.remove(0);
        }
      }
      for (int i = 0; i < list.size(); i++) {
        String arg = list.get(i);
        if (arg.equals("--")) {
          o.command = List.copyOf(list.subList(i + 1, list.size()));
          break;
        }
        switch (arg) {
          case "-h", "--help" -> o.help = true;
          case "--allow-unhealthy-baseline" -> o.allowUnhealthyBaseline = true;
          default -> {
            String name = arg;
            String value;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
              name = arg.substring(0, eq);
              value = arg.substring(eq + 1);
            } else {
              if (i + 1 >= list.size()) {
                throw new IllegalArgumentException(arg + " needs a value");
              }
              value = list.get(++i);
            }
            o.set(name, value);
          }
        }
      }
      if (o.help) {
        return o;
      }
      if (o.server == null || o.server.isBlank()) {
        throw new IllegalArgumentException("--server URL is required (or set CANARY_SERVER)");
      }
      if (!o.server.startsWith("http://") && !o.server.startsWith("https://")) {
        throw new IllegalArgumentException(
            "--server must be an http(s) URL, not '" + o.server + "'");
      }
      if (!o.mode.equals("complete")) {
        if (o.tool == null) {
          throw new IllegalArgumentException("--tool NAME is required");
        }
        if (o.version == null) {
          throw new IllegalArgumentException("--tool-version V is required");
        }
      }
      if (o.mode.equals("wrap") && o.command.isEmpty()) {
        throw new IllegalArgumentException(
            "no command: put the ops tool after '--' (or use 'gate begin' / 'gate complete')");
      }
      if (!o.mode.equals("wrap") && !o.command.isEmpty()) {
        throw new IllegalArgumentException("'gate " + o.mode + "' takes no command after '--'");
      }
      return o;
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
        case "--junit" -> junit = Path.of(value);
        case "--markdown" -> markdown = Path.of(value);
        case "--settle" -> settle = duration(name, value);
        case "--timeout" -> timeout = duration(name, value);
        case "--exit-code" -> {
          try {
            exitCode = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--exit-code needs a number, not '" + value + "'");
          }
        }
        default -> throw new IllegalArgumentException("unknown option " + name);
      }
    }

    /** The bearer token: from --token-file, else CANARY_API_TOKEN, else none. */
    String token() throws IOException {
      if (tokenFile != null) {
        try {
          return Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
          throw new IOException("cannot read --token-file " + tokenFile + ": " + e.getMessage(), e);
        }
      }
      return System.getenv("CANARY_API_TOKEN");
    }

    /** {@code 30s}, {@code 500ms}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT30S}). */
    static Duration duration(String name, String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      try {
        if (v.startsWith("pt")) {
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
            name + " needs a duration such as 30s, 500ms or 2m, not '" + value + "'");
      }
    }
  }
}
