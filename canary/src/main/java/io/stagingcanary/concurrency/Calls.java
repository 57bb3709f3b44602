package io.stagingcanary.concurrency;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

/** Runs work on a component's own thread and waits for it, as if it ran on the caller's. */
public final class Calls {

  private Calls() {}

  /**
   * Submits {@code work} to {@code executor} and returns its result; a runtime exception it threw
   * is rethrown as is, anything else wrapped in {@link IllegalStateException}.
   */
  public static <T> T on(ExecutorService executor, Callable<T> work) {
    try {
      return executor.submit(work).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
