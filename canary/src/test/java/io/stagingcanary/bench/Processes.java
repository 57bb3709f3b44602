package io.stagingcanary.bench;

import java.util.concurrent.TimeUnit;

/** Stopping child JVMs the tests started. */
public final class Processes {

  private Processes() {}

  /** SIGTERM (a graceful agent shutdown), then SIGKILL after 30 s. */
  public static void stop(Process process) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
