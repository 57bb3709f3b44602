package io.stagingcanary.gate;

/**
 * Main class of {@code canary-gate.jar}, the gate's own dependency-free jar for CI jobs: the same
 * command as {@code java -jar canary.jar gate}, without the agent.
 */
public final class GateMain {

  private GateMain() {}

  public static void main(String[] args) {
    System.exit(new GateCommand(System.out, System.err, "java -jar canary-gate.jar").execute(args));
  }
}
