package io.stagingcanary.gate;

import java.io.PrintStream;

/** Lets tests in other packages run the gate with captured output. */
public final class GateCommandAccess {

  private GateCommandAccess() {}

  public static int execute(String[] args, PrintStream out, PrintStream err) {
    return new GateCommand(out, err).execute(args);
  }
}
