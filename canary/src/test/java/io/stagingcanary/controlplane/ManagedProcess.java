package io.stagingcanary.controlplane;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One control-plane process: started with its output appended to a log file and its pid recorded in
 * a pid file, so that a later run can kill what a crashed run left behind.
 */
final class ManagedProcess {

  private final String name;
  private final List<String> command;
  private final Path logFile;
  private final Path pidFile;
  private Process process;

  ManagedProcess(String name, List<String> command, Path logFile, Path pidFile) {
    this.name = name;
    this.command = List.copyOf(command);
    this.logFile = logFile;
    this.pidFile = pidFile;
  }

  String name() {
    return name;
  }

  Path logFile() {
    return logFile;
  }

  synchronized void start() throws IOException {
    if (isAlive()) {
      throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
    }
    Files.createDirectories(logFile.getParent());
    Files.writeString(
        logFile,
        "==== starting " + String.join(" ", command) + "\n",
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    Files.writeString(pidFile, process.pid() + "\n");
  }

  /** The running process's pid. */
  synchronized long pid() {
    if (!isAlive()) {
      throw new IllegalStateException(name + " is not running");
    }
    return process.pid();
  }

  /**
   * Sends a signal by name ({@code STOP}, {@code CONT}) with the system's {@code kill}: Java can
   * only terminate processes, not stop them.
   */
  synchronized void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot run kill", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Fails with the tail of the log when the process has exited. */
  synchronized void checkAlive() {
    if (process != null && !process.isAlive()) {
      throw new ExitedException(
          name + " exited with code " + process.exitValue() + "; last log lines:\n" + logTail(40));
    }
  }

  /** Terminates the process and its descendants: SIGTERM first, SIGKILL after the grace period. */
  synchronized void stop(Duration grace) {
    if (process == null) {
      return;
    }
    destroyTree(process.toHandle(), grace);
    process = null;
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException ignored) {
      // best effort
    }
  }

  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(logFile);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e + ")";
    }
  }

  /**
   * Kills the process recorded in {@code pidFile} by a previous (crashed) run, if it still runs the
   * expected binary.
   */
  static void killLeftover(Path pidFile, String binaryName) {
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    try {
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      Optional<ProcessHandle> handle = ProcessHandle.of(pid);
      if (handle.isPresent()) {
        Optional<String> command = handle.get().info().command();
        if (command.isPresent() && command.get().endsWith("/" + binaryName)) {
          System.err.println(
              "[control-plane] killing leftover " + binaryName + " (pid " + pid + ")");
          destroyTree(handle.get(), Duration.ofSeconds(10));
        }
      }
      Files.deleteIfExists(pidFile);
    } catch (IOException | NumberFormatException e) {
      System.err.println("[control-plane] ignoring unreadable pid file " + pidFile + ": " + e);
    }
  }

  private static void destroyTree(ProcessHandle root, Duration grace) {
    List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
    all.add(0, root);
    all.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle handle : all) {
      long remaining = deadline - System.nanoTime();
      try {
        if (remaining > 0) {
          handle.onExit().get(remaining, TimeUnit.NANOSECONDS);
        }
      } catch (TimeoutException | ExecutionException e) {
        // forced below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (handle.isAlive()) {
        handle.destroyForcibly();
      }
    }
    for (ProcessHandle handle : all) {
      try {
        handle.onExit().get(10, TimeUnit.SECONDS);
      } catch (TimeoutException | ExecutionException e) {
        System.err.println("[control-plane] process " + handle.pid() + " did not exit: " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The process ended while it was expected to run. */
  static final class ExitedException extends IllegalStateException {
    ExitedException(String message) {
      super(message);
    }
  }
}
