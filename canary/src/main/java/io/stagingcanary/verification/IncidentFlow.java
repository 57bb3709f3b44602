package io.stagingcanary.verification;

import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelResult;
import io.stagingcanary.diff.StatusType;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentChangeListener;
import io.stagingcanary.incident.IncidentEngine;
import io.stagingcanary.incident.IncidentResolved;
import io.stagingcanary.incident.IncidentSealed;
import io.stagingcanary.incident.IncidentStore;
import io.stagingcanary.platform.ComponentExecutor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Hands judged sentinels to the {@link IncidentEngine} and times its seals: at the end of the group
 * window, later while a namespace in the incident is still terminating (up to the 30 s cap). A
 * sealed incident is published as {@link IncidentSealed} only after it is stored; the re-seeder is
 * one of its listeners. Runs on the verifier's state thread ({@code executor}).
 */
final class IncidentFlow {

  private static final Logger log = LoggerFactory.getLogger(IncidentFlow.class);

  private final IncidentEngine engine;
  private final Duration groupWindow;
  private final Clock clock;
  private final ApplicationEventPublisher events;
  private final ComponentExecutor executor;
  private final Consumer<Runnable> guard;

  IncidentFlow(
      IncidentStore store,
      List<IncidentChangeListener> listeners,
      Duration groupWindow,
      Clock clock,
      ApplicationEventPublisher events,
      ComponentExecutor executor,
      Consumer<Runnable> guard) {
    this.groupWindow = groupWindow;
    this.clock = clock;
    this.events = events;
    this.executor = executor;
    this.guard = guard;
    this.engine =
        new IncidentEngine(
            store,
            clock,
            groupWindow,
            this::sealed,
            this::resolved,
            IncidentChangeListener.all(listeners));
  }

  IncidentEngine engine() {
    return engine;
  }

  /**
   * Hands results to the engine, schedules the seal of a newly opened incident and resolves those
   * whose sentinels are all back in {@code current}. Returns the ids of incidents opened.
   */
  List<String> handle(
      Collection<SentinelResult> found,
      Incident.DetectedBy detectedBy,
      Instant blindFrom,
      Instant blindTo,
      Map<ResourceKey, SentinelResult> current) {
    List<String> opened = engine.accept(found, detectedBy, blindFrom, blindTo);
    if (!opened.isEmpty()) {
      if (groupWindow.isZero()) {
        engine.seal();
      } else {
        later(groupWindow.toMillis());
      }
    }
    engine.resolveRecovered(current);
    return opened;
  }

  /** For the detection-latency metric: earliest event of the changes → the incident opened. */
  void publishDetection(
      List<String> opened,
      Collection<SentinelResult> found,
      Map<ResourceKey, Instant> seenAt,
      Instant decided) {
    if (opened.isEmpty()) {
      return;
    }
    found.stream()
        .filter(r -> r.type() != StatusType.PRESENT && r.type() != StatusType.UNKNOWN)
        .map(r -> seenAt.get(r.key()))
        .filter(Objects::nonNull)
        .min(Instant::compareTo)
        .ifPresent(
            seen -> {
              Instant openedAt =
                  engine.openIncident(opened.get(0)).map(Incident::openedAt).orElse(decided);
              events.publishEvent(new IncidentOpenedByWatch(opened.get(0), seen, openedAt));
            });
  }

  private void later(long millis) {
    executor.schedule(() -> guard.accept(this::sealWhenSettled), Duration.ofMillis(millis));
  }

  /** Seals at the end of the window unless a namespace in it is still terminating (up to 30 s). */
  void sealWhenSettled() {
    engine
        .collectingSince()
        .ifPresent(
            since -> {
              Instant cap = since.plus(CanaryProperties.Incidents.MAX_GROUP_WINDOW);
              if (engine.collectingNamespaceTerminating() && clock.instant().isBefore(cap)) {
                later(500);
              } else {
                engine.seal();
              }
            });
  }

  private void sealed(Incident incident) {
    log.warn(
        "Incident {} ({}, detected by {}) on cluster {}: {}\n{}",
        incident.id(),
        incident.type(),
        incident.detectedBy(),
        incident.clusterName(),
        incident.headline(),
        incident.text());
    events.publishEvent(new IncidentSealed(incident));
  }

  private void resolved(Incident incident) {
    log.info("Incident {} resolved: every sentinel in it is back", incident.id());
    events.publishEvent(new IncidentResolved(incident));
  }
}
