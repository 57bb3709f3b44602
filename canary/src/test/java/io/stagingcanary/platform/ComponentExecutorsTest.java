package io.stagingcanary.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ComponentExecutorsTest {

  private static final Duration TICK = Duration.ofMillis(10);

  private final ComponentExecutors executors = new ComponentExecutors(Duration.ofSeconds(2));

  @AfterEach
  void close() {
    executors.destroy();
  }

  @Test
  void threadsAreDaemonsNamedAfterTheirComponent() {
    ComponentExecutor single = executors.single("ledger-probe");
    ComponentExecutor pool = executors.pool("job-runs", 2);

    Thread one = single.call(Thread::currentThread);
    Set<String> poolNames = ConcurrentHashMap.newKeySet();
    CountDownLatch both = new CountDownLatch(2);
    for (int i = 0; i < 2; i++) {
      pool.execute(
          () -> {
            poolNames.add(Thread.currentThread().getName());
            both.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> both.getCount() == 0);
          });
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> poolNames.size() == 2);

    assertThat(one.getName()).isEqualTo("canary-ledger-probe");
    assertThat(one.isDaemon()).isTrue();
    assertThat(poolNames).containsExactlyInAnyOrder("canary-job-runs-1", "canary-job-runs-2");
    assertThat(executors.all())
        .extracting(ComponentExecutor::component)
        .containsExactly("ledger-probe", "job-runs");
  }

  @Test
  void leaderOnlyWorkIsSkippedWhileThisReplicaDoesNotLead() {
    ComponentExecutor executor = executors.single("blind-alerts");
    AtomicBoolean leader = new AtomicBoolean(false);
    AtomicInteger runs = new AtomicInteger();

    executor.scheduleLeaderOnly(leader::get, runs::incrementAndGet, Duration.ZERO, TICK);
    await().atMost(Duration.ofSeconds(5)).until(() -> executor.skipped() >= 3);
    assertThat(runs).hasValue(0);

    leader.set(true);
    await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 3);
    leader.set(false);
    int ranWhileLeading = runs.get();
    long skippedBefore = executor.skipped();
    await().atMost(Duration.ofSeconds(5)).until(() -> executor.skipped() >= skippedBefore + 3);
    assertThat(runs.get()).isLessThanOrEqualTo(ranWhileLeading + 1);
  }

  @Test
  void aFailingTaskIsCountedAndNeitherEndsItsScheduleNorTouchesOtherComponents() {
    ComponentExecutor failing = executors.single("failing");
    ComponentExecutor healthy = executors.single("healthy");
    AtomicInteger attempts = new AtomicInteger();
    AtomicInteger healthyRuns = new AtomicInteger();

    failing.scheduleWithFixedDelay(
        () -> {
          attempts.incrementAndGet();
          throw new IllegalStateException("boom");
        },
        Duration.ZERO,
        TICK);
    healthy.scheduleWithFixedDelay(healthyRuns::incrementAndGet, Duration.ZERO, TICK);
    failing.execute(
        () -> {
          throw new AssertionError("an error too");
        });

    await().atMost(Duration.ofSeconds(5)).until(() -> attempts.get() >= 3);
    await().atMost(Duration.ofSeconds(5)).until(() -> healthyRuns.get() >= 3);
    assertThat(failing.failures()).isGreaterThanOrEqualTo(4);
    assertThat(healthy.failures()).isZero();
    assertThat(failing.call(() -> "still serving")).isEqualTo("still serving");
  }

  @Test
  void aCallHandsItsFailureToTheCallerWithoutCountingIt() {
    ComponentExecutor executor = executors.single("calls");

    assertThatThrownBy(
            () ->
                executor.call(
                    () -> {
                      throw new IllegalArgumentException("bad input");
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bad input");
    assertThatThrownBy(
            () ->
                executor.call(
                    () -> {
                      throw new java.io.IOException("disk");
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasCauseInstanceOf(java.io.IOException.class);
    assertThat(executor.failures()).isZero();
  }

  @Test
  void closeLetsTheRunningTaskFinishAndStartsNoFurtherRun() throws Exception {
    ComponentExecutor executor = executors.single("graceful");
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    AtomicBoolean finished = new AtomicBoolean();

    executor.scheduleWithFixedDelay(
        () -> {
          runs.incrementAndGet();
          started.countDown();
          sleep(Duration.ofMillis(200));
          finished.set(true);
        },
        Duration.ZERO,
        TICK);
    executor.schedule(runs::incrementAndGet, Duration.ofMillis(300));
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

    assertThat(executor.close(Duration.ofSeconds(2))).isTrue();
    assertThat(finished).isTrue();
    int after = runs.get();
    Thread.sleep(400);
    assertThat(runs).hasValue(after).hasValue(1);
    assertThat(executor.isShutdown()).isTrue();
  }

  @Test
  void closeInterruptsWorkThatOutlastsTheWait() throws Exception {
    ComponentExecutor executor = executors.single("stuck");
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    executor.execute(
        () -> {
          started.countDown();
          try {
            Thread.sleep(Duration.ofMinutes(1).toMillis());
          } catch (InterruptedException e) {
            interrupted.set(true);
          }
        });
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

    long began = System.nanoTime();
    executor.close(Duration.ofMillis(200));

    await().atMost(Duration.ofSeconds(5)).untilTrue(interrupted);
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void destroyClosesEveryExecutorStillOpenWithinTheBoundedWait() throws Exception {
    ComponentExecutors bounded = new ComponentExecutors(Duration.ofMillis(300));
    ComponentExecutor quick = bounded.single("quick");
    ComponentExecutor stuck = bounded.single("stuck");
    ComponentExecutor closedAlready = bounded.single("closed");
    closedAlready.close();
    CountDownLatch started = new CountDownLatch(1);
    stuck.execute(
        () -> {
          started.countDown();
          sleep(Duration.ofMinutes(1));
        });
    quick.scheduleWithFixedDelay(() -> {}, Duration.ZERO, TICK);
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

    long began = System.nanoTime();
    bounded.destroy();

    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(3));
    assertThat(List.of(quick, stuck, closedAlready)).allMatch(ComponentExecutor::isShutdown);
    assertThatThrownBy(() -> quick.execute(() -> {}))
        .isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
  }

  @Test
  void helperCallsScheduleNothing() {
    ComponentExecutor calls = executors.elastic("api-probe");

    assertThat(calls.call(() -> Thread.currentThread().getName())).isEqualTo("canary-api-probe-1");
    assertThatThrownBy(() -> calls.schedule(() -> {}, TICK))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> executors.single(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eachExecutorIsMeasuredByComponent() {
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    ComponentExecutors measured = new ComponentExecutors(Duration.ofSeconds(1), registry);
    try {
      ComponentExecutor executor = measured.single("policies");
      executor.schedule(() -> {}, Duration.ofHours(1));
      executor.execute(
          () -> {
            throw new IllegalStateException("boom");
          });

      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  registry
                          .get("canary.component.task.failures")
                          .tag("component", "policies")
                          .functionCounter()
                          .count()
                      == 1.0);
      assertThat(
              registry
                  .get("canary.component.queued.tasks")
                  .tag("component", "policies")
                  .gauge()
                  .value())
          .isEqualTo(1.0);
    } finally {
      measured.destroy();
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
