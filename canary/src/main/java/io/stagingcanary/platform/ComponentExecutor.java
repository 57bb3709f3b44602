package io.stagingcanary.platform;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of one named component, made by {@link ComponentExecutors}: daemon threads named
 * {@code canary-<component>} (with {@code -<n>} when there are several). A task that is run or
 * scheduled without a caller to tell (execute, schedule) and throws is logged with the component's
 * name and counted; a periodic task that throws keeps its schedule. Work submitted with {@link
 * #submit} or {@link #call} hands its failure to the caller instead.
 */
public final class ComponentExecutor implements Executor {

  private static final Logger log = LoggerFactory.getLogger(ComponentExecutor.class);

  private final String component;
  private final Duration shutdownWait;
  private final ThreadPoolExecutor executor;
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();

  ComponentExecutor(String component, int threads, boolean elastic, Duration shutdownWait) {
    this.component = component;
    this.shutdownWait = shutdownWait;
    ThreadPoolExecutor pool;
    if (elastic) {
      pool =
          new ThreadPoolExecutor(
              0,
              Integer.MAX_VALUE,
              60,
              TimeUnit.SECONDS,
              new java.util.concurrent.SynchronousQueue<>(),
              factory(component, true));
    } else {
      ScheduledThreadPoolExecutor scheduled =
          new ScheduledThreadPoolExecutor(threads, factory(component, threads > 1));
      // shutting down ends the schedule: no delayed or periodic task runs after it
      scheduled.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      scheduled.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
      scheduled.setRemoveOnCancelPolicy(true);
      pool = scheduled;
    }
    this.executor = pool;
  }

  private static java.util.concurrent.ThreadFactory factory(String component, boolean numbered) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      String name =
          numbered ? "canary-" + component + "-" + count.incrementAndGet() : "canary-" + component;
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      thread.setUncaughtExceptionHandler(
          (t, e) -> log.error("Component {}: thread {} died", component, t.getName(), e));
      return thread;
    };
  }

  /** The component's name, as in its threads' names. */
  public String component() {
    return component;
  }

  /** How many tasks run without a caller (execute, schedule) threw so far. */
  public long failures() {
    return failures.get();
  }

  /** How many runs of leader-only tasks were skipped because this replica did not lead. */
  public long skipped() {
    return skipped.get();
  }

  /** Tasks waiting to run (scheduled ones included). */
  public int queued() {
    return executor.getQueue().size();
  }

  /** Runs {@code task} on the component's thread; a failure is logged and counted. */
  @Override
  public void execute(Runnable task) {
    executor.execute(guarded(task));
  }

  /** Runs {@code work} on the component's thread; its result or failure goes to the future. */
  public <T> Future<T> submit(Callable<T> work) {
    return executor.submit(work);
  }

  /**
   * Runs {@code work} on the component's thread and waits for it, as if it ran on the caller's: a
   * runtime exception it threw is rethrown as is, anything else wrapped in {@link
   * IllegalStateException}.
   */
  public <T> T call(Callable<T> work) {
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

  /** Runs {@code task} once after {@code delay}. */
  public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    return scheduled().schedule(guarded(task), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Runs {@code task} after {@code initialDelay}, then {@code delay} after each run ended. A run
   * that throws is logged and the schedule goes on.
   */
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable task, Duration initialDelay, Duration delay) {
    return scheduled()
        .scheduleWithFixedDelay(
            guarded(task), initialDelay.toMillis(), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Like {@link #scheduleWithFixedDelay}, but each run happens only while {@code leader} says this
   * replica leads (asked at every run); on other replicas the run is skipped.
   */
  public ScheduledFuture<?> scheduleLeaderOnly(
      BooleanSupplier leader, Runnable task, Duration initialDelay, Duration delay) {
    return scheduleWithFixedDelay(
        () -> {
          if (leader.getAsBoolean()) {
            task.run();
          } else {
            skipped.incrementAndGet();
          }
        },
        initialDelay,
        delay);
  }

  /** Whether this executor was closed. */
  public boolean isShutdown() {
    return executor.isShutdown();
  }

  /** {@link #close(Duration)} with the wait of {@code canary.platform.shutdown-wait}. */
  public boolean close() {
    return close(shutdownWait);
  }

  /**
   * Stops taking work and ends the schedule, waits up to {@code wait} for running tasks to finish,
   * then interrupts what still runs. Returns whether everything had ended in time.
   */
  public boolean close(Duration wait) {
    executor.shutdown();
    try {
      if (!wait.isZero() && executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
    if (!executor.isTerminated()) {
      log.warn(
          "Component {} still had work running {} after shutdown began: interrupted",
          component,
          wait);
      return false;
    }
    return true;
  }

  void stopTakingWork() {
    executor.shutdown();
  }

  /** Ends at once: running tasks are interrupted, queued ones dropped. */
  public void closeNow() {
    executor.shutdownNow();
  }

  private ScheduledThreadPoolExecutor scheduled() {
    if (executor instanceof ScheduledThreadPoolExecutor scheduled) {
      return scheduled;
    }
    throw new UnsupportedOperationException(
        "component " + component + " runs helper calls only: it schedules nothing");
  }

  private Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        failures.incrementAndGet();
        // nobody waits for this task: the log is the only place its failure can go
        log.error("Component {}: a task failed: {}", component, e.toString(), e);
      }
    };
  }
}
