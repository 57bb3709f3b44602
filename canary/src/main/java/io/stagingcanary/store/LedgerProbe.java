package io.stagingcanary.store;

import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.platform.ComponentExecutor;
import io.stagingcanary.platform.ComponentExecutors;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Proves that the ledger takes writes: every {@code canary.store.probe-interval} it rewrites one
 * heartbeat row (a real, cheap write with a {@code canary.store.probe-timeout}). The {@code ledger}
 * health indicator (readiness) and {@code ledgerLiveness} (liveness, after {@code
 * canary.store.liveness-limit}) read what it found. While writes succeed it refreshes the ledger
 * marker once a minute.
 */
@Component
public class LedgerProbe implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(LedgerProbe.class);
  private static final Duration MARKER_EVERY = Duration.ofMinutes(1);

  private final JdbcTemplate jdbc;
  private final Clock clock;
  private final StoreProperties properties;
  private final java.nio.file.Path markerFile;
  private final String writer;
  private final AtomicBoolean started = new AtomicBoolean();
  private final ComponentExecutor executor;

  private volatile Instant lastWrite;
  private volatile Instant failingSince;
  private volatile Instant probeStartedAt;
  private volatile String lastError;
  private volatile Instant markerWrittenAt;

  public LedgerProbe(
      DataSource dataSource,
      Clock clock,
      StoreProperties properties,
      CanaryProperties canary,
      ComponentExecutors executors) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.jdbc.setQueryTimeout((int) Math.max(1, properties.probeTimeout().toSeconds()));
    this.clock = clock;
    this.properties = properties;
    this.markerFile = LedgerMarker.file(canary.dataDir());
    String host = System.getenv("HOSTNAME");
    this.writer = host == null || host.isBlank() ? "agent" : host;
    this.executor = executors.single("ledger-probe");
  }

  /** Probes from when the application is ready (the migrations ran). */
  @EventListener(ApplicationReadyEvent.class)
  public void start() {
    if (started.compareAndSet(false, true)) {
      executor.scheduleWithFixedDelay(this::probe, Duration.ZERO, properties.probeInterval());
    }
  }

  /** Writes the heartbeat row once; returns whether the ledger took the write. */
  public boolean probe() {
    Instant started = clock.instant();
    probeStartedAt = started;
    try {
      Timestamp now = Timestamp.from(started);
      int updated =
          jdbc.update(
              "UPDATE ledger_heartbeat SET beat_at = ?, written_by = ? WHERE heartbeat_id = 1",
              now,
              writer);
      if (updated == 0) {
        try {
          jdbc.update(
              "INSERT INTO ledger_heartbeat (heartbeat_id, beat_at, written_by) VALUES (1, ?, ?)",
              now,
              writer);
        } catch (DuplicateKeyException e) {
          // another replica wrote it first: the ledger took a write all the same
        }
      }
      Instant done = clock.instant();
      if (failingSince != null) {
        log.info(
            "Ledger takes writes again after {} s unwritable",
            Duration.between(failingSince, done).toSeconds());
      }
      lastWrite = done;
      failingSince = null;
      lastError = null;
      refreshMarker(done);
      return true;
    } catch (RuntimeException e) {
      if (failingSince == null) {
        failingSince = started;
        log.warn("Ledger does not take writes (readiness DOWN until it does): {}", e.toString());
      }
      lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return false;
    } finally {
      probeStartedAt = null;
    }
  }

  private void refreshMarker(Instant now) {
    if (markerWrittenAt != null && now.isBefore(markerWrittenAt.plus(MARKER_EVERY))) {
      return;
    }
    try {
      String version = LedgerFacts.schemaVersion(jdbc);
      if (version == null) {
        return;
      }
      new LedgerMarker(
              version,
              LedgerFacts.count(jdbc, "ledger_entry"),
              LedgerFacts.count(jdbc, "incident"),
              now)
          .write(markerFile);
      markerWrittenAt = now;
    } catch (IOException | RuntimeException e) {
      log.warn("Could not refresh the ledger marker {}: {}", markerFile, e.toString());
    }
  }

  /** What the probe found last. */
  public State state() {
    Instant now = clock.instant();
    Instant since = failingSince;
    Instant running = probeStartedAt;
    if (since == null
        && running != null
        && Duration.between(running, now).compareTo(properties.probeTimeout()) > 0) {
      // the write hangs (no connection, a locked database): as good as failed
      since = running;
    }
    return new State(
        lastWrite, since, since == null ? null : lastError, running != null && since == running);
  }

  /** How long the ledger has been unwritable now, if it is. */
  public Optional<Duration> unwritableFor() {
    return Optional.ofNullable(state().failingSince())
        .map(since -> Duration.between(since, clock.instant()));
  }

  /**
   * The probe's findings.
   *
   * @param lastWrite when the ledger last took a write
   * @param failingSince since when it does not, while it does not
   * @param error the last error, while failing
   * @param hanging whether the current write is taking longer than the timeout
   */
  public record State(Instant lastWrite, Instant failingSince, String error, boolean hanging) {
    public boolean writable() {
      return failingSince == null && lastWrite != null;
    }
  }

  @Override
  public void destroy() {
    executor.close();
  }
}
