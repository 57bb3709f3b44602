package io.stagingcanary.cli;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import sun.misc.Signal;

/**
 * {@code java -jar canary.jar [agent] [--property=value ...]}: the arguments the agent accepts, and
 * the exit code of a stop on request.
 */
final class AgentCommand {

  static final String USAGE =
      """
      Usage: java -jar canary.jar [agent] [--property=value ...]

      Runs the agent: seeds the sentinel sets into the cluster, watches them and reports every loss
      (HTTP API and metrics on port 8080). 'agent' may be left out.

      Every option is a Spring Boot property written --name=value; the table of properties is
      docs/configuration.md. The ones used most:
        --spring.profiles.active=sandbox   run on an embedded sandbox cluster (an in-process
                                           Kubernetes API server, seeded with fixtures/sandbox)
        --canary.fixtures.path=DIR         the folder of sentinel sets (default: fixtures)
        --canary.data-dir=DIR              the ledger and the sandbox's kubeconfig (default: ./data)
        --server.port=N                    the HTTP port (default: 8080)
        --debug                            Spring Boot's report of what it configured and why
      Without the sandbox profile the agent finds its cluster as kubectl does: KUBECONFIG,
      ~/.kube/config, or the in-cluster service account.

      Exit codes (docs/exit-codes.md):
        0  stopped on request (SIGTERM, Ctrl-C) after a graceful shutdown
        1  could not start: invalid configuration, an invalid fixture or no reachable cluster
           (the message names the property, the file and field, or the server tried)
        2  bad command line: an argument that is not --name=value
      """;

  /** A Spring Boot property as a command-line argument: {@code --name=value}. */
  private static final Pattern PROPERTY =
      Pattern.compile("--[A-Za-z0-9][^=\\s]*=.*", Pattern.DOTALL);

  /** Spring Boot's flags that take no value. */
  private static final List<String> FLAGS = List.of("--debug", "--trace");

  private AgentCommand() {}

  /** The first argument the agent does not accept, with why; empty when all are accepted. */
  static Optional<String> refused(List<String> args) {
    for (String arg : args) {
      if (FLAGS.contains(arg) || PROPERTY.matcher(arg).matches()) {
        continue;
      }
      if (arg.startsWith("--") && arg.length() > 2) {
        return Optional.of(
            "unknown option '"
                + arg
                + "' (agent options are Spring Boot properties: --name=value)");
      }
      if (arg.startsWith("-")) {
        return Optional.of("unknown option '" + arg + "'");
      }
      return Optional.of("unknown argument '" + arg + "'");
    }
    return Optional.empty();
  }

  /**
   * A stop on request exits {@code 0} once the shutdown hooks (Spring's graceful shutdown, the
   * ledger's close) have run, instead of the JVM's {@code 128 + signal}: a stopped agent is not a
   * failed one, for Kubernetes ({@code Completed}, not {@code Error}), systemd and scripts alike.
   */
  static void exitZeroOnStopRequest() {
    for (String name : List.of("TERM", "INT")) {
      try {
        Signal.handle(new Signal(name), signal -> System.exit(0));
      } catch (IllegalArgumentException e) {
        // The JVM keeps the signal (-Xrs, or a platform without it): its own exit code applies.
      }
    }
  }
}
