package io.stagingcanary.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.MutableClock;
import io.stagingcanary.platform.ComponentExecutors;
import io.stagingcanary.sandbox.SandboxCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The API liveness decision (fake clock) and the probe against a server that never answers. */
class ApiLivenessTest {

  static final Instant T0 = Instant.parse("2026-12-03T08:00:00Z");

  final MutableClock clock = new MutableClock(T0);
  final SightProperties properties =
      new SightProperties(
          Duration.ofSeconds(2),
          Duration.ofSeconds(2),
          3,
          "/readyz",
          Duration.ofSeconds(5),
          Duration.ofSeconds(5),
          0.5);

  @Test
  void downOnlyAfterTheConfiguredFailuresInARowSinceTheFirstOfThem() {
    try (SandboxCluster sandbox = SandboxCluster.start("127.0.0.1", 0, List.of());
        KubernetesClient client = sandbox.newClient()) {
      ApiLiveness liveness =
          new ApiLiveness(client, properties, clock, new ComponentExecutors(Duration.ofSeconds(1)));
      assertThat(liveness.aliveSince()).contains(T0);

      clock.advance(Duration.ofSeconds(2));
      Instant firstFailure = clock.instant();
      liveness.record(false, "timed out");
      clock.advance(Duration.ofSeconds(4));
      liveness.record(false, "timed out");
      assertThat(liveness.downSince()).as("two of three failures").isEmpty();
      liveness.record(true, "answered 200");
      clock.advance(Duration.ofSeconds(4));
      liveness.record(false, "timed out");
      clock.advance(Duration.ofSeconds(4));
      liveness.record(false, "timed out");
      assertThat(liveness.downSince()).as("the streak started over").isEmpty();

      Instant streak = clock.instant().minusSeconds(4);
      clock.advance(Duration.ofSeconds(4));
      liveness.record(false, "GET /readyz not answered within PT2S");
      assertThat(liveness.downSince()).contains(streak).isNotEqualTo(firstFailure);
      assertThat(liveness.downReason()).hasValueSatisfying(r -> assertThat(r).contains("PT2S"));
      assertThat(liveness.aliveSince()).isEmpty();

      clock.advance(Duration.ofSeconds(2));
      liveness.record(true, "answered 200");
      assertThat(liveness.downSince()).isEmpty();
      assertThat(liveness.downReason()).isEmpty();
      assertThat(liveness.aliveSince()).contains(clock.instant());
      assertThat(liveness.answeringSince()).contains(clock.instant());
      clock.advance(Duration.ofSeconds(2));
      liveness.record(false, "one failure");
      assertThat(liveness.downSince()).as("one failure is not down").isEmpty();
      assertThat(liveness.answeringSince()).as("but ends the answering streak").isEmpty();
      clock.advance(Duration.ofSeconds(2));
      liveness.record(true, "answered 200");
      assertThat(liveness.answeringSince()).contains(clock.instant());
    }
  }

  @Test
  void theDocumentedBoundCoversEveryProbeTimingOut() {
    assertThat(properties.blindBound()).isEqualTo(Duration.ofSeconds(12));
    assertThat(SightProperties.defaults().blindBound()).isEqualTo(Duration.ofSeconds(8));
  }

  @Test
  void aServerThatAcceptsButNeverAnswersFailsTheProbeWithinItsTimeout() throws Exception {
    List<Socket> accepted = new ArrayList<>();
    try (ServerSocket frozen = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          new Thread(
              () -> {
                while (!frozen.isClosed()) {
                  try {
                    accepted.add(frozen.accept());
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      SightProperties fast =
          new SightProperties(
              Duration.ofMillis(200),
              Duration.ofMillis(300),
              1,
              "/readyz",
              Duration.ofSeconds(5),
              Duration.ofSeconds(5),
              0.5);
      try (KubernetesClient client =
          new io.fabric8.kubernetes.client.KubernetesClientBuilder()
              .withConfig(
                  new io.fabric8.kubernetes.client.ConfigBuilder(
                          io.fabric8.kubernetes.client.Config.empty())
                      .withMasterUrl("http://127.0.0.1:" + frozen.getLocalPort())
                      .withRequestRetryBackoffLimit(0)
                      .build())
              .build()) {
        ApiLiveness liveness =
            new ApiLiveness(
                client, fast, Clock.systemUTC(), new ComponentExecutors(Duration.ofSeconds(1)));
        long started = System.nanoTime();
        liveness.probe();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isLessThan(Duration.ofSeconds(2));
        assertThat(liveness.downSince()).isPresent();
        assertThat(liveness.downReason())
            .hasValueSatisfying(r -> assertThat(r).contains("not answered within"));
      }
    } finally {
      for (Socket socket : accepted) {
        socket.close();
      }
    }
  }

  @Test
  void theSandboxAnswersTheProbe() {
    try (SandboxCluster sandbox = SandboxCluster.start("127.0.0.1", 0, List.of());
        KubernetesClient client = sandbox.newClient()) {
      ApiLiveness liveness =
          new ApiLiveness(
              client,
              new SightProperties(
                  Duration.ofSeconds(2),
                  Duration.ofSeconds(2),
                  1,
                  "/readyz",
                  Duration.ofSeconds(5),
                  Duration.ofSeconds(5),
                  0.5),
              clock,
              new ComponentExecutors(Duration.ofSeconds(1)));
      liveness.record(false, "earlier failure");
      assertThat(liveness.downSince()).isPresent();
      liveness.probe();
      assertThat(liveness.downSince()).isEmpty();
    }
  }
}
