package io.stagingcanary.controlplane;

/** Outcome of running a control-plane command line tool (kubectl, etcdctl). */
public record ExecResult(int exitCode, String stdout, String stderr) {

  public boolean succeeded() {
    return exitCode == 0;
  }

  /** Standard output followed by standard error, for assertion messages. */
  public String output() {
    return stderr.isEmpty() ? stdout : stdout + stderr;
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
  }
}
