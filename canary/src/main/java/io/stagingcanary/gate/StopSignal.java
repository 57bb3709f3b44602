package io.stagingcanary.gate;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM or SIGINT while the gate wraps a command (a cancelled CI job): a shutdown hook forwards
 * the stop to the command and its descendants ({@link Process#destroy()}, forcibly after a grace
 * period), then waits while the gate's own thread, whose {@code waitFor} has returned, completes
 * the run with the command's status and writes the reports. The run is never left open. The JVM
 * then exits as signalled (143 for SIGTERM, 130 for SIGINT).
 */
final class StopSignal {

  private final Duration grace;
  private final Duration finishLimit;
  private final PrintStream err;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread hook;
  private Process process;
  private boolean stopping;

  private StopSignal(Duration grace, Duration finishLimit, PrintStream err) {
    this.grace = grace;
    this.finishLimit = finishLimit;
    this.err = err;
    this.hook = new Thread(this::stop, "canary-gate-stop");
  }

  /** Installs the shutdown hook. */
  static StopSignal install(Duration grace, Duration finishLimit, PrintStream err) {
    StopSignal signal = new StopSignal(grace, finishLimit, err);
    Runtime.getRuntime().addShutdownHook(signal.hook);
    return signal;
  }

  /** Whether a stop was requested before the command started: then it is not started. */
  synchronized boolean stopping() {
    return stopping;
  }

  /** The command now running; stopped at once when a stop came in meanwhile. */
  synchronized void watch(Process started) {
    this.process = started;
    if (stopping) {
      destroy(started);
    }
  }

  /** The gate's own thread is done (run completed, reports written): the JVM may exit. */
  void finished() {
    finished.countDown();
    if (stopping()) {
      // The JVM is exiting as signalled (143, 130) once the hook returns: an exit with the
      // gate's own status now would race it, so this thread waits for the end instead.
      while (true) {
        try {
          Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
          // keep waiting: the shutdown ends the JVM
        }
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook is running and waits for this latch
    }
  }

  private void stop() {
    Process running;
    synchronized (this) {
      stopping = true;
      running = process;
    }
    err.println("[gate] stop signal received: stopping the command, then completing the run");
    if (running != null && running.isAlive()) {
      destroy(running);
      try {
        if (!running.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
          err.println(
              "[gate] the command did not stop within " + grace.toSeconds() + "s: killing it");
          running.descendants().forEach(ProcessHandle::destroyForcibly);
          running.destroyForcibly();
          running.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    try {
      if (!finished.await(finishLimit.toMillis(), TimeUnit.MILLISECONDS)) {
        err.println("[gate] the run was not completed within " + finishLimit.toSeconds() + "s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void destroy(Process process) {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
  }
}
