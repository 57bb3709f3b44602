package io.stagingcanary.cli;

import io.stagingcanary.demo.Demo;
import io.stagingcanary.demo.prune.PruneUsers;
import io.stagingcanary.gate.GateCommand;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.springframework.boot.SpringApplication;

/**
 * {@code java -jar canary.jar [COMMAND] [OPTIONS]}: the one place that reads the first argument and
 * hands the rest to a command. Only {@code agent} and {@code demo} start Spring; {@code --help},
 * {@code --version} and every mistake are answered before anything starts.
 */
public final class CanaryCommandLine {

  static final int EXIT_OK = 0;
  static final int EXIT_USAGE = 2;

  /** A command, its one-line summary, and where it is documented. */
  record Command(String name, String summary, String docs) {}

  static final List<Command> COMMANDS =
      List.of(
          new Command(
              "agent",
              "run the agent: seed the sentinels, watch them, report loss (the default)",
              "docs/configuration.md"),
          new Command(
              "gate",
              "run an ops tool under the CI gate and exit with its verdict (JDK only)",
              "docs/ci-gate.md"),
          new Command(
              "demo", "replay the 2017 user-pruning incident on the embedded sandbox", "README.md"),
          new Command(
              "prune-users",
              "the user-pruning ops tool the demo runs under the gate (a tool under test)",
              "docs/cli.md"),
          new Command("help", "this text; 'help COMMAND' is 'COMMAND --help'", "docs/cli.md"));

  private final Class<?> application;
  private final PrintStream out;
  private final PrintStream err;

  CanaryCommandLine(Class<?> application, PrintStream out, PrintStream err) {
    this.application = application;
    this.out = out;
    this.err = err;
  }

  /**
   * Called by the jar's {@code main}: runs the command and exits with its code, or returns while
   * the agent runs. (Not named {@code main}: Spring Boot names the application after the innermost
   * {@code main} on the stack, which must stay {@code CanaryApplication}.)
   *
   * @param application the agent's Spring Boot application class
   */
  public static void execute(Class<?> application, String[] args) {
    OptionalInt exit = new CanaryCommandLine(application, System.out, System.err).run(args);
    if (exit.isPresent()) {
      System.exit(exit.getAsInt());
    }
  }

  /** Runs the command; empty when the agent was started and keeps running. */
  OptionalInt run(String[] args) {
    if (args.length == 0 || args[0].startsWith("-") && !isHelpOrVersion(args[0])) {
      return agent(List.of(args));
    }
    String first = args[0];
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    return switch (first) {
      case "-h", "--help" -> OptionalInt.of(usage());
      case "-V", "--version" -> OptionalInt.of(version());
      case "help" -> rest.length == 0 ? OptionalInt.of(usage()) : helpFor(rest[0]);
      case "agent" -> agent(List.of(rest));
      // The CI gate is a JDK-only client: it exits before Spring is touched.
      case "gate" -> OptionalInt.of(GateCommand.run(rest));
      case "prune-users" -> OptionalInt.of(PruneUsers.main(args, out, err));
      // The replay boots the agent itself, on the sandbox, and exits when it is done.
      case "demo" -> OptionalInt.of(Demo.run(application, args, out, err));
      default -> OptionalInt.of(unknown("unknown command '" + first + "'"));
    };
  }

  private OptionalInt helpFor(String command) {
    if (COMMANDS.stream().noneMatch(c -> c.name().equals(command))) {
      return OptionalInt.of(unknown("unknown command '" + command + "'"));
    }
    return command.equals("help") ? OptionalInt.of(usage()) : run(new String[] {command, "--help"});
  }

  private OptionalInt agent(List<String> args) {
    if (args.contains("--help") || args.contains("-h")) {
      out.print(AgentCommand.USAGE);
      return OptionalInt.of(EXIT_OK);
    }
    if (args.contains("--version") || args.contains("-V")) {
      return OptionalInt.of(version());
    }
    Optional<String> refused = AgentCommand.refused(args);
    if (refused.isPresent()) {
      err.println("canary agent: " + refused.get());
      err.println("Run 'java -jar canary.jar agent --help' for usage.");
      return OptionalInt.of(EXIT_USAGE);
    }
    AgentCommand.exitZeroOnStopRequest();
    SpringApplication.run(application, args.toArray(String[]::new));
    return OptionalInt.empty();
  }

  private int usage() {
    StringBuilder commands = new StringBuilder();
    StringBuilder docs = new StringBuilder();
    for (Command command : COMMANDS) {
      commands.append(String.format("  %-12s %s%n", command.name(), command.summary()));
      docs.append(String.format("  %-12s %s%n", command.name(), command.docs()));
    }
    out.print(
        """
        Usage: java -jar canary.jar [COMMAND] [OPTIONS]

        Staging Canary keeps a Kubernetes staging cluster seeded with sentinel tenants and reports
        their loss.

        Commands:
        %s
        Options:
          -h, --help     print this text and exit
          -V, --version  print the version and exit

        Without a command, or when the first argument is an option such as
        --spring.profiles.active=sandbox, the agent runs. 'COMMAND --help' describes each.

        Docs (in the source repository):
        %s  exit codes   docs/exit-codes.md
        """
            .formatted(commands, docs));
    return EXIT_OK;
  }

  private int version() {
    out.println(BuildVersion.of(application.getClassLoader()).line());
    return EXIT_OK;
  }

  private int unknown(String problem) {
    err.println("canary: " + problem);
    err.println("Run 'java -jar canary.jar --help' for usage.");
    return EXIT_USAGE;
  }

  private static boolean isHelpOrVersion(String arg) {
    return List.of("-h", "--help", "-V", "--version").contains(arg);
  }
}
