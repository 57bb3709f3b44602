package io.stagingcanary.verification;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stagingcanary.concurrency.Calls;
import io.stagingcanary.leader.Leadership;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verifier's two threads: the state thread owns the results, incidents and blind state; the
 * list thread runs full verifications so that events never wait behind a LIST. Scheduled and
 * handed-over work runs only on the leader and is logged, not thrown, when it fails.
 */
final class VerifierThreads {

  private static final Logger log = LoggerFactory.getLogger(VerifierThreads.class);

  private final Leadership leadership;
  private final ScheduledExecutorService state;
  private final ScheduledExecutorService list;
  private volatile Thread stateThread;

  VerifierThreads(Leadership leadership) {
    this.leadership = leadership;
    this.state =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = daemon(r, "canary-verifier");
              stateThread = thread;
              return thread;
            });
    this.list = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "canary-verifier-list"));
  }

  ScheduledExecutorService state() {
    return state;
  }

  boolean onStateThread() {
    return Thread.currentThread() == stateThread;
  }

  /** Runs on the state thread and waits; at once when called there. */
  <T> T onState(Callable<T> work) {
    if (!onStateThread()) {
      return Calls.on(state, work);
    }
    try {
      return work.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs on the list thread and waits (never call it from the state thread: it would deadlock). */
  <T> T onList(Callable<T> work) {
    if (onStateThread()) {
      throw new IllegalStateException("the state thread must not wait for the list thread");
    }
    return Calls.on(list, work);
  }

  void stateSoon(Runnable work) {
    state.execute(() -> guarded(work));
  }

  /** Runs the work on the list thread soon, then {@code always}, whether it ran or not. */
  void listSoon(Runnable work, Runnable always) {
    list.execute(
        () -> {
          try {
            guarded(work);
          } finally {
            always.run();
          }
        });
  }

  void stateEvery(Duration period, Runnable work) {
    long millis = period.toMillis();
    state.scheduleWithFixedDelay(() -> guarded(work), millis, millis, TimeUnit.MILLISECONDS);
  }

  void listEvery(Duration period, Runnable work) {
    long millis = period.toMillis();
    list.scheduleWithFixedDelay(() -> guarded(work), millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Runs the work if this replica leads; a failure is logged and retried by the next run. */
  void guarded(Runnable work) {
    if (!leadership.isLeader()) {
      return;
    }
    try {
      work.run();
    } catch (KubernetesClientException e) {
      log.warn("Verification step failed, will retry: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.error("Verification step failed, will retry", e);
    }
  }

  void close() {
    state.shutdownNow();
    list.shutdownNow();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread thread = new Thread(r, name);
    thread.setDaemon(true);
    return thread;
  }
}
