package io.stagingcanary.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagingcanary.leader.Leadership;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VerifierThreadsTest {

  final AtomicBoolean leader = new AtomicBoolean(true);
  final VerifierThreads threads =
      new VerifierThreads(
          new Leadership() {
            @Override
            public boolean isLeader() {
              return leader.get();
            }

            @Override
            public String identity() {
              return "test";
            }
          },
          new io.stagingcanary.platform.ComponentExecutors(java.time.Duration.ofSeconds(1)));

  @AfterEach
  void close() {
    threads.close();
  }

  @Test
  void workHandedToTheStateThreadFromItselfRunsAtOnceInsteadOfDeadlocking() {
    String name = threads.onState(() -> threads.onState(() -> Thread.currentThread().getName()));

    assertThat(name).isEqualTo("canary-verifier");
  }

  @Test
  void theStateThreadMayNotWaitForTheListThread() {
    assertThatThrownBy(() -> threads.onState(() -> threads.onList(() -> "listed")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("must not wait");
    assertThat(threads.onList(() -> threads.onState(() -> "merged"))).isEqualTo("merged");
  }

  @Test
  void aFollowerSkipsScheduledWorkButTheCleanUpStillRuns() throws Exception {
    leader.set(false);
    AtomicInteger ran = new AtomicInteger();
    CountDownLatch cleaned = new CountDownLatch(1);

    threads.listSoon(ran::incrementAndGet, cleaned::countDown);
    threads.guarded(ran::incrementAndGet);

    assertThat(cleaned.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(ran).hasValue(0);
  }

  @Test
  void aFailingStepIsLoggedNotThrown() {
    threads.guarded(
        () -> {
          throw new IllegalStateException("boom");
        });
  }
}
