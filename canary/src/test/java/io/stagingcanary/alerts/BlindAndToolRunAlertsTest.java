package io.stagingcanary.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.stagingcanary.TestJdbc;
import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.leader.Leadership;
import io.stagingcanary.platform.ComponentExecutors;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SentinelCanaryBlind after the grace and its resolve (ToolRunViolation: ToolRunAlertsTest). */
class BlindAndToolRunAlertsTest {

  static final ClusterIdentity CLUSTER = new ClusterIdentity("c-1", "staging", "https://k8s");

  @TempDir Path directory;
  HikariDataSource dataSource;
  AlertOutbox outbox;
  AlertChannels channels;
  final Moving clock = new Moving(TestAlerts.T0);
  final AtomicBoolean leader = new AtomicBoolean(true);
  volatile Instant blindSince;

  @BeforeEach
  void open() {
    dataSource =
        TestAlerts.pool("jdbc:h2:file:" + directory.resolve("ledger").toAbsolutePath(), "sa", "");
    outbox = new AlertOutbox(TestJdbc.client(dataSource), TestJdbc.transactions(dataSource), clock);
    channels = new AlertChannels(List.of(new LogChannel()));
  }

  @AfterEach
  void close() {
    dataSource.close();
  }

  BlindAlerts blindAlerts() {
    BlindAlerts.Sight sight =
        new BlindAlerts.Sight() {
          @Override
          public Optional<ClusterIdentity> cluster() {
            return Optional.of(CLUSTER);
          }

          @Override
          public Optional<Instant> blindSince() {
            return Optional.ofNullable(blindSince);
          }

          @Override
          public Optional<String> blindReason() {
            return Optional.of("ConfigMap: 403 forbidden");
          }
        };
    Leadership leadership =
        new Leadership() {
          @Override
          public boolean isLeader() {
            return leader.get();
          }

          @Override
          public String identity() {
            return "test";
          }
        };
    AlertsProperties properties =
        AlertingHarness.properties("http://unused", Duration.ofMinutes(1));
    return new BlindAlerts(
        sight,
        outbox,
        channels,
        leadership,
        clock,
        properties,
        AlertingHarness.canary(),
        new ComponentExecutors(Duration.ofSeconds(1)));
  }

  @Test
  void blindnessLongerThanTheGraceFiresOnceAndResolvesWhenSightReturns() {
    BlindAlerts blind = blindAlerts();
    blindSince = TestAlerts.T0;
    clock.now = TestAlerts.T0.plus(Duration.ofMinutes(4));
    blind.check();
    assertThat(outbox.list(null, 10)).isEmpty();

    clock.now = TestAlerts.T0.plus(Duration.ofMinutes(5));
    blind.check();
    clock.now = TestAlerts.T0.plus(Duration.ofMinutes(9));
    blind.check();
    assertThat(outbox.list(null, 10))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.alertName()).isEqualTo("SentinelCanaryBlind");
              assertThat(e.alert().severity()).isEqualTo(Alert.Severity.WARNING);
              assertThat(e.alert().summary()).contains("ConfigMap: 403 forbidden");
            });

    // a restarted agent adopts the open episode instead of paging again
    BlindAlerts restarted = blindAlerts();
    blindSince = TestAlerts.T0.plus(Duration.ofMinutes(10));
    clock.now = TestAlerts.T0.plus(Duration.ofMinutes(20));
    restarted.check();
    assertThat(outbox.list(null, 10)).hasSize(1);

    blindSince = null;
    restarted.check();
    restarted.check();
    assertThat(outbox.list(null, 10))
        .extracting(OutboxEntry::alertStatus)
        .containsExactly("resolved", "firing");
  }

  @Test
  void aFollowerDoesNotAlert() {
    leader.set(false);
    BlindAlerts blind = blindAlerts();
    blindSince = TestAlerts.T0;
    clock.now = TestAlerts.T0.plus(Duration.ofHours(1));
    blind.check();
    assertThat(outbox.list(null, 10)).isEmpty();
  }

  /** A clock the test sets. */
  static final class Moving extends Clock {
    volatile Instant now;

    Moving(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
