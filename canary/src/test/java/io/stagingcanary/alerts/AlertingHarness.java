package io.stagingcanary.alerts;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stagingcanary.TestJdbc;
import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.incident.IncidentChangeListener;
import io.stagingcanary.incident.JdbcIncidentStore;
import io.stagingcanary.leader.Leadership;
import io.stagingcanary.metrics.CanaryMetrics;
import io.stagingcanary.metrics.MetricsProperties;
import io.stagingcanary.platform.ComponentExecutors;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.info.BuildProperties;

/**
 * The real alerting components (outbox, channels, incident listener, worker) wired without Spring,
 * every HTTP channel pointing at one receiver base URL (WireMock): {@code /am}, {@code /slack},
 * {@code /pd}, {@code /hook}.
 */
public final class AlertingHarness implements AutoCloseable {

  public static final String ROUTING_KEY = "R0UTINGKEY";
  public static final String SECRET = "s3cret";

  final AlertOutbox outbox;
  final AlertChannels channels;
  final IncidentAlerts incidentAlerts;
  final ToolRunAlerts toolRunAlerts;
  final OutboxWorker worker;
  final LapsedExpectationAlerts lapsedExpectations;

  /** Who changed an incident's items (record them in the seal's transaction, as the agent does). */
  final io.stagingcanary.incident.IncidentEnrichmentStore enrichmentStore;

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  public AlertingHarness(DataSource dataSource, String receiverBase, BooleanSupplier leader) {
    this(dataSource, receiverBase, leader, Duration.ofHours(1));
  }

  AlertingHarness(
      DataSource dataSource, String receiverBase, BooleanSupplier leader, Duration resend) {
    this(dataSource, properties(receiverBase, resend), leader);
  }

  AlertingHarness(DataSource dataSource, AlertsProperties properties, BooleanSupplier leader) {
    this(dataSource, properties, leader, null);
  }

  /**
   * With {@code causes} (null for none) telling which run caused an incident; {@link #toolRuns()}
   * gets the verdict and acknowledgement events.
   */
  AlertingHarness(
      DataSource dataSource,
      AlertsProperties properties,
      BooleanSupplier leader,
      io.stagingcanary.runs.RunCauses causes) {
    Clock clock = Clock.systemUTC();
    StaticListableBeanFactory runs = new StaticListableBeanFactory();
    if (causes != null) {
      runs.addBean("runCauses", causes);
    }
    CanaryProperties canary = canary();
    StaticListableBeanFactory enrichmentBeans = new StaticListableBeanFactory();
    enrichmentStore =
        new io.stagingcanary.incident.IncidentEnrichmentStore(dataSource, event -> {}, clock);
    enrichmentBeans.addBean("incidentEnrichments", enrichmentStore);
    org.springframework.beans.factory.ObjectProvider<
            io.stagingcanary.incident.IncidentEnrichmentStore>
        enrichments =
            enrichmentBeans.getBeanProvider(
                io.stagingcanary.incident.IncidentEnrichmentStore.class);
    CanaryMetrics metrics =
        new CanaryMetrics(
            registry,
            new MetricsProperties(
                List.of(Duration.ofSeconds(1)),
                List.of(Duration.ofSeconds(1)),
                List.of(Duration.ofMinutes(1))),
            clock,
            new StaticListableBeanFactory().getBeanProvider(BuildProperties.class));
    Leadership leadership =
        new Leadership() {
          @Override
          public boolean isLeader() {
            return leader.getAsBoolean();
          }

          @Override
          public String identity() {
            return "test";
          }
        };
    outbox = new AlertOutbox(TestJdbc.client(dataSource), TestJdbc.transactions(dataSource), clock);
    channels = new AlertChannels(properties, metrics);
    incidentAlerts =
        new IncidentAlerts(
            outbox,
            channels,
            new StaticListableBeanFactory()
                .getBeanProvider(io.stagingcanary.incident.ExpectedChanges.class),
            metrics,
            runs.getBeanProvider(io.stagingcanary.runs.RunCauses.class),
            clock,
            properties,
            canary,
            enrichments);
    toolRunAlerts =
        new ToolRunAlerts(
            outbox,
            channels,
            new JdbcIncidentStore(dataSource),
            incidentAlerts,
            runs.getBeanProvider(io.stagingcanary.runs.RunCauses.class),
            canary,
            enrichments);
    lapsedExpectations =
        new LapsedExpectationAlerts(
            new JdbcIncidentStore(dataSource),
            outbox,
            new StaticListableBeanFactory()
                .getBeanProvider(io.stagingcanary.incident.ExpectedChanges.class),
            new io.stagingcanary.seeding.SeedingState() {
              @Override
              public java.util.Optional<io.stagingcanary.cluster.ClusterIdentity> cluster() {
                return java.util.Optional.of(
                    new io.stagingcanary.cluster.ClusterIdentity(
                        "c-1", "staging", "https://staging.example"));
              }
            },
            leadership,
            clock,
            properties,
            canary,
            new ComponentExecutors(Duration.ofSeconds(1)),
            enrichments);
    worker =
        new OutboxWorker(
            outbox,
            channels,
            leadership,
            metrics,
            new JdbcIncidentStore(dataSource),
            toolRunAlerts,
            clock,
            properties,
            canary,
            new ComponentExecutors(Duration.ofSeconds(1)),
            enrichments);
  }

  /** The listener to hand to the incident assembler. */
  public IncidentChangeListener incidents() {
    return incidentAlerts;
  }

  /** Pages incidents recorded as expected whose expectation ended ({@code check()} on demand). */
  LapsedExpectationAlerts lapsedExpectations() {
    return lapsedExpectations;
  }

  /** The listener of run verdicts and acknowledgements. */
  ToolRunAlerts toolRuns() {
    return toolRunAlerts;
  }

  /** Runs {@code work} in one outbox transaction, as the verdict's own transaction does. */
  void inTransaction(Runnable work) {
    outbox.inTransaction(work);
  }

  /** Starts delivering. */
  public void start() {
    worker.start();
  }

  public long pending() {
    return outbox.countPending();
  }

  public List<String> channelNames() {
    return channels.names();
  }

  @Override
  public void close() {
    worker.destroy();
  }

  static AlertsProperties.Delivery fastDelivery() {
    return new AlertsProperties.Delivery(
        3,
        Duration.ofMillis(20),
        Duration.ofMillis(200),
        Duration.ofSeconds(10),
        Duration.ofMillis(50),
        Duration.ofMillis(200));
  }

  static AlertsProperties properties(String base, Duration resend) {
    return properties(base, resend, fastDelivery());
  }

  static AlertsProperties properties(
      String base, Duration resend, AlertsProperties.Delivery delivery) {
    return properties(base, resend, Duration.ofMinutes(5), delivery);
  }

  static AlertsProperties properties(
      String base, Duration resend, Duration holdForVerdict, AlertsProperties.Delivery delivery) {
    return new AlertsProperties(
        List.of(new AlertsProperties.Alertmanager(null, true, base + "/am")),
        List.of(new AlertsProperties.Slack(null, true, base + "/slack", null)),
        List.of(new AlertsProperties.PagerDuty(null, true, base + "/pd", ROUTING_KEY, null)),
        List.of(new AlertsProperties.Webhook(null, true, base + "/hook", SECRET, null)),
        new AlertsProperties.Log(false),
        Duration.ofMinutes(5),
        resend,
        null,
        holdForVerdict,
        delivery);
  }

  static CanaryProperties canary() {
    return new CanaryProperties(
        "staging",
        null,
        Path.of("data"),
        new CanaryProperties.Fixtures(Path.of("fixtures"), List.of("sandbox")),
        new CanaryProperties.Api(null, false),
        new CanaryProperties.Sandbox(0, "127.0.0.1", null),
        new CanaryProperties.Verification(Duration.ofSeconds(60), 500),
        new CanaryProperties.Incidents(Duration.ofSeconds(5), true),
        new CanaryProperties.Reseed(CanaryProperties.ReseedMode.AFTER_INCIDENT),
        TestAlerts.PUBLIC);
  }
}
