package io.stagingcanary.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stagingcanary.MutableClock;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.StatusType;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.TestItems;
import io.stagingcanary.metrics.CanaryMetrics;
import io.stagingcanary.metrics.MetricsProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.info.BuildProperties;

/** Windows: validation, matching, modes, deletion and the audit trail, on an H2 file. */
class MaintenanceWindowsTest {

  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  static final Incident.Item ACME_MODIFIED =
      item("sandbox", "acme", "canary-acme", "ConfigMap", StatusType.MODIFIED);
  static final Incident.Item ACME_MISSING =
      item("sandbox", "acme", "canary-acme", "ConfigMap", StatusType.MISSING);
  static final Incident.Item ACME_NAMESPACE_MISSING =
      TestItems.item(
          ResourceKey.clusterScoped("v1", "Namespace", "canary-acme"),
          "sandbox",
          "acme",
          StatusType.MISSING);
  static final Incident.Item GLOBEX_MODIFIED =
      item("sandbox", "globex", "canary-globex", "Secret", StatusType.MODIFIED);

  @TempDir Path directory;
  HikariDataSource dataSource;
  MutableClock clock = new MutableClock(NOW);
  SimpleMeterRegistry registry = new SimpleMeterRegistry();
  MaintenanceWindows windows;

  @BeforeEach
  void open() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:file:" + directory.resolve("ledger").toAbsolutePath());
    config.setUsername("sa");
    config.setPassword("");
    dataSource = new HikariDataSource(config);
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    CanaryMetrics metrics =
        new CanaryMetrics(
            registry,
            new MetricsProperties(
                List.of(Duration.ofSeconds(1)),
                List.of(Duration.ofSeconds(1)),
                List.of(Duration.ofMinutes(1))),
            clock,
            new StaticListableBeanFactory().getBeanProvider(BuildProperties.class));
    windows =
        new MaintenanceWindows(
            dataSource, clock, new MaintenanceProperties(Duration.ofHours(12)), metrics);
  }

  @AfterEach
  void close() {
    dataSource.close();
  }

  static Incident.Item item(
      String set, String tenant, String namespace, String kind, StatusType status) {
    return TestItems.item(
        ResourceKey.namespaced("v1", kind, namespace, "canary-settings"), set, tenant, status);
  }

  static MaintenanceWindows.Request request(
      Duration from, Duration to, String reason, List<String> tenants, String mode) {
    return new MaintenanceWindows.Request(
        NOW.plus(from),
        NOW.plus(to),
        reason,
        new MaintenanceWindow.Matchers(null, tenants, null, null),
        mode);
  }

  @Test
  void invalidWindowsAreRefusedWithEveryProblemNamed() {
    assertThatThrownBy(
            () -> windows.create(request(Duration.ofHours(1), Duration.ZERO, " ", null, null)))
        .hasMessageContaining("end must be after start")
        .hasMessageContaining("reason must not be empty");
    assertThatThrownBy(
            () -> windows.create(request(Duration.ZERO, Duration.ofHours(13), "x", null, null)))
        .hasMessageContaining("canary.maintenance.max-duration (PT12H)");
    assertThatThrownBy(
            () ->
                windows.create(
                    request(Duration.ZERO, Duration.ofHours(1), "x", null, "mute-everything")))
        .hasMessageContaining("mode 'mute-everything' is not one of mute-changes, mute-all");
    assertThatThrownBy(
            () ->
                windows.create(
                    request(Duration.ofHours(-3), Duration.ofHours(-1), "x", null, null)))
        .hasMessageContaining("end must be in the future");
    assertThat(windows.list(10)).isEmpty();
  }

  @Test
  void aNewlineInTheReasonCannotForgeALogLine() {
    String forged = "drain\n2026-11-22 10:00:00 ERROR [main] Forged: all sentinels lost\r\nmore";
    Logger logger = (Logger) LoggerFactory.getLogger(MaintenanceWindows.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    MaintenanceWindow window;
    try {
      window =
          windows.create(
              request(Duration.ZERO, Duration.ofHours(1), forged, List.of("acme"), null));
    } finally {
      logger.detachAppender(appender);
    }
    assertThat(appender.list).hasSize(1);
    String line = appender.list.get(0).getFormattedMessage();
    assertThat(line).doesNotContain("\n").doesNotContain("\r");
    assertThat(line).contains("drain\\n2026-11-22 10:00:00 ERROR [main] Forged");
    assertThat(line).contains("lost\\r\\nmore");
    assertThat(window.reason()).as("stored as written").isEqualTo(forged);
    assertThat(windows.reason(ACME_MODIFIED, NOW.plusSeconds(60)).orElseThrow())
        .doesNotContain("\n")
        .contains("drain\\n2026");
  }

  @Test
  void everyStringHasALimitNamedInTheProblem() {
    String name = "n".repeat(254);
    assertThatThrownBy(
            () ->
                windows.create(
                    request(Duration.ZERO, Duration.ofHours(1), "x", List.of(name), null)))
        .hasMessageContaining("matchers.tenants values must be at most 253 characters");
    List<String> many = java.util.stream.IntStream.range(0, 101).mapToObj(i -> "t" + i).toList();
    assertThatThrownBy(
            () -> windows.create(request(Duration.ZERO, Duration.ofHours(1), "x", many, null)))
        .hasMessageContaining("matchers.tenants must have at most 100 values");
    assertThatThrownBy(
            () ->
                windows.create(
                    request(Duration.ZERO, Duration.ofHours(1), "x", null, "m".repeat(33))))
        .hasMessageContaining("mode must be at most 32 characters");
    assertThatThrownBy(
            () ->
                windows.create(request(Duration.ZERO, Duration.ofHours(1), "a\u0000b", null, null)))
        .hasMessageContaining("reason must not contain the NUL character");
    assertThatThrownBy(
            () ->
                windows.create(
                    request(
                        Duration.ofDays(400), Duration.ofDays(400).plusHours(1), "x", null, null)))
        .hasMessageContaining("end must be at most 366 days from now");
    assertThat(windows.list(10)).isEmpty();
  }

  @Test
  void muteChangesExpectsChangesButStillPagesLosses() {
    MaintenanceWindow window =
        windows.create(
            request(Duration.ZERO, Duration.ofHours(2), "node drain", List.of("acme"), null));
    assertThat(window.mode()).isEqualTo(MaintenanceWindow.Mode.MUTE_CHANGES);
    assertThat(windows.reason(ACME_MODIFIED, NOW.plusSeconds(60)))
        .contains("maintenance window " + window.id() + " (node drain)");
    assertThat(windows.reason(ACME_MISSING, NOW.plusSeconds(60))).isEmpty();
    assertThat(windows.reason(GLOBEX_MODIFIED, NOW.plusSeconds(60))).isEmpty();
    assertThat(windows.reason(ACME_MODIFIED, NOW.plus(Duration.ofHours(3)))).isEmpty();
  }

  @Test
  void muteAllExpectsLossesOfMatchingSentinelsToo() {
    windows.create(
        new MaintenanceWindows.Request(
            NOW,
            NOW.plus(Duration.ofHours(1)),
            "cluster upgrade",
            new MaintenanceWindow.Matchers(
                List.of("sandbox"),
                null,
                List.of("canary-acme"),
                List.of("ConfigMap", "Namespace")),
            "mute-all"));
    assertThat(windows.reason(ACME_MISSING, NOW.plusSeconds(1))).isPresent();
    assertThat(windows.reason(ACME_NAMESPACE_MISSING, NOW.plusSeconds(1))).isPresent();
    assertThat(
            windows.reason(
                item("sandbox", "acme", "canary-acme", "Secret", StatusType.MISSING),
                NOW.plusSeconds(1)))
        .isEmpty();
  }

  @Test
  void deletedAndEndedWindowsStopMutingAndStayListedAsTheAuditTrail() {
    MaintenanceWindow deleted =
        windows.create(
            request(Duration.ZERO, Duration.ofHours(2), "drain", List.of("acme"), "mute-all"));
    MaintenanceWindow ending =
        windows.create(
            request(Duration.ZERO, Duration.ofMinutes(30), "patch", List.of("globex"), null));
    assertThat(windows.active()).hasSize(2);
    assertThat(registry.get("canary.maintenance.window.active").gauge().value()).isEqualTo(1.0);

    clock.advance(Duration.ofMinutes(10));
    assertThat(windows.delete(deleted.id()).orElseThrow().deletedAt()).isEqualTo(clock.instant());
    assertThat(windows.reason(ACME_MISSING, clock.instant().plusSeconds(1))).isEmpty();
    // a change observed before the deletion was inside the window
    assertThat(windows.reason(ACME_MISSING, NOW.plusSeconds(60))).isPresent();

    clock.advance(Duration.ofMinutes(30));
    assertThat(windows.active()).isEmpty();
    assertThat(registry.get("canary.maintenance.window.active").gauge().value()).isZero();
    Instant now = clock.instant();
    assertThat(windows.list(10))
        .extracting(w -> w.id() + "=" + w.state(now))
        .containsExactlyInAnyOrder(deleted.id() + "=DELETED", ending.id() + "=ENDED");
    assertThat(windows.delete("mw-nope")).isEmpty();
  }

  @Test
  void anExpectationLapsesWhenItsWindowEndsUnlessAnotherStillCoversTheChange() {
    windows.create(
        request(Duration.ZERO, Duration.ofMinutes(10), "migration", List.of("acme"), "mute-all"));
    Instant seen = NOW.plusSeconds(30);
    assertThat(windows.reason(ACME_MISSING, seen)).isPresent();
    assertThat(windows.lapsed(ACME_MISSING, seen, NOW.plusSeconds(60))).isFalse();
    assertThat(windows.lapsed(ACME_MISSING, seen, NOW.plus(Duration.ofMinutes(10)))).isTrue();
    assertThat(windows.lapsed(GLOBEX_MODIFIED, seen, NOW.plus(Duration.ofMinutes(10))))
        .as("never expected by a window: nothing to lapse")
        .isFalse();

    windows.create(
        request(
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            "migration, part two",
            List.of("acme"),
            "mute-all"));
    assertThat(windows.lapsed(ACME_MISSING, seen, NOW.plus(Duration.ofMinutes(10))))
        .as("the next window covers the change now")
        .isFalse();
    assertThat(windows.lapsed(ACME_MISSING, seen, NOW.plus(Duration.ofMinutes(30)))).isTrue();
  }
}
