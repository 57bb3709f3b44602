package io.stagingcanary.alerts;

import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.leader.Leadership;
import io.stagingcanary.platform.ComponentExecutor;
import io.stagingcanary.platform.ComponentExecutors;
import io.stagingcanary.verification.SentinelObservations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * {@code SentinelCanaryBlind}: the agent has been BLIND (cannot observe some sentinels) for longer
 * than {@code canary.alerts.blind-grace}; resolved when sight returns. One alert per blind episode;
 * an episode still open after a restart is adopted, not paged again.
 */
@Component
class BlindAlerts implements InitializingBean, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(BlindAlerts.class);
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final Sight verifier;
  private final AlertOutbox outbox;
  private final AlertChannels channels;
  private final Leadership leadership;
  private final Clock clock;
  private final Duration grace;
  private final Duration interval;
  private final String publicBase;
  private final ComponentExecutors executors;
  private ComponentExecutor executor;
  private boolean checkedStored;
  private String openEpisode;

  /** What the verifier knows about sight. */
  interface Sight {
    Optional<ClusterIdentity> cluster();

    Optional<Instant> blindSince();

    Optional<String> blindReason();
  }

  @Autowired
  BlindAlerts(
      SentinelObservations observations,
      AlertOutbox outbox,
      AlertChannels channels,
      Leadership leadership,
      Clock clock,
      AlertsProperties properties,
      CanaryProperties canary,
      ComponentExecutors executors) {
    this(
        new Sight() {
          @Override
          public Optional<ClusterIdentity> cluster() {
            return observations.cluster();
          }

          @Override
          public Optional<Instant> blindSince() {
            return observations.blindSince();
          }

          @Override
          public Optional<String> blindReason() {
            return observations.blindReason();
          }
        },
        outbox,
        channels,
        leadership,
        clock,
        properties,
        canary,
        executors);
  }

  BlindAlerts(
      Sight verifier,
      AlertOutbox outbox,
      AlertChannels channels,
      Leadership leadership,
      Clock clock,
      AlertsProperties properties,
      CanaryProperties canary,
      ComponentExecutors executors) {
    this.verifier = verifier;
    this.outbox = outbox;
    this.channels = channels;
    this.leadership = leadership;
    this.clock = clock;
    this.grace = properties.blindGrace();
    this.interval = properties.delivery().pollInterval();
    this.publicBase = canary.publicBase();
    this.executors = executors;
  }

  @Override
  public void afterPropertiesSet() {
    executor = executors.single("blind-alerts");
    executor.scheduleLeaderOnly(leadership::isLeader, this::guardedCheck, interval, interval);
  }

  private void guardedCheck() {
    try {
      check();
    } catch (RuntimeException e) {
      log.warn("Blind-alert check failed, will retry: {}", e.getMessage());
    }
  }

  /** Fires or resolves the blind alert for the verifier's current state. */
  synchronized void check() {
    Optional<ClusterIdentity> cluster = verifier.cluster();
    if (!leadership.isLeader() || cluster.isEmpty()) {
      return;
    }
    if (!checkedStored) {
      openEpisode =
          outbox.unresolved(Alert.CANARY_BLIND, cluster.get().id()).stream()
              .map(Alert::subject)
              .reduce((a, b) -> b)
              .orElse(null);
      checkedStored = true;
    }
    Optional<Instant> since = verifier.blindSince();
    Instant now = clock.instant();
    if (since.isPresent()) {
      if (openEpisode == null && Duration.between(since.get(), now).compareTo(grace) >= 0) {
        Alert alert =
            firing(cluster.get(), since.get(), verifier.blindReason().orElse("unknown"), now);
        outbox.inTransaction(
            () -> outbox.enqueue(alert, channels.names(), OutboxEntry.State.PENDING, null));
        openEpisode = alert.subject();
        log.warn(
            "Cluster {} is blind since {} (longer than {}): alert {}",
            cluster.get().name(),
            since.get(),
            grace,
            alert.id());
      }
    } else if (openEpisode != null) {
      List<Alert> open = outbox.unresolved(Alert.CANARY_BLIND, cluster.get().id());
      outbox.inTransaction(
          () ->
              open.forEach(
                  a ->
                      outbox.enqueue(
                          a.resolvedAt(now), channels.names(), OutboxEntry.State.PENDING, null)));
      log.info("Cluster {} is visible again: blind alert resolved", cluster.get().name());
      openEpisode = null;
    }
  }

  private Alert firing(ClusterIdentity cluster, Instant since, String reason, Instant now) {
    String subject = "blind-" + ID_TIME.format(since);
    String summary =
        "The canary cannot observe sentinels on cluster "
            + cluster.name()
            + " since "
            + since
            + ": "
            + reason;
    return Alert.builder()
        .of(Alert.CANARY_BLIND, subject, Alert.Status.FIRING)
        .severity(Alert.Severity.WARNING)
        .cluster(cluster.name(), cluster.id())
        .summary(summary)
        .diff(
            summary + "\nBlind is not lost: nothing is reported missing until sight returns.\n",
            "{}")
        .link(Alert.overviewPage(publicBase))
        .period(since, null)
        .build();
  }

  @Override
  public void destroy() {
    if (executor != null) {
      executor.close();
    }
  }
}
