package io.stagingcanary.verification;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stagingcanary.leader.Leadership;
import io.stagingcanary.platform.ComponentExecutor;
import io.stagingcanary.platform.ComponentExecutors;
import java.time.Duration;
import java.util.concurrent.Callable;
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
  private final ComponentExecutor state;
  private final ComponentExecutor list;
  private final Thread stateThread;

  VerifierThreads(Leadership leadership, ComponentExecutors executors) {
    this.leadership = leadership;
    this.state = executors.single("verifier");
    this.list = executors.single("verifier-list");
    // One thread serves a single executor for its whole life (failures are caught in it).
    this.stateThread = state.call(Thread::currentThread);
  }

  ComponentExecutor state() {
    return state;
  }

  boolean onStateThread() {
    return Thread.currentThread() == stateThread;
  }

  /** Runs on the state thread and waits; at once when called there. */
  <T> T onState(Callable<T> work) {
    if (!onStateThread()) {
      return state.call(work);
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
    return list.call(work);
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
    state.scheduleWithFixedDelay(() -> guarded(work), period, period);
  }

  void listEvery(Duration period, Runnable work) {
    list.scheduleWithFixedDelay(() -> guarded(work), period, period);
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
    state.closeNow();
    list.closeNow();
  }
}
