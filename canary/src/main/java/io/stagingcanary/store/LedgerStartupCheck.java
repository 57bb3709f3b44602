package io.stagingcanary.store;

import com.zaxxer.hikari.HikariDataSource;
import io.stagingcanary.config.CanaryProperties;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.stereotype.Component;

/**
 * Runs before the migrations: when {@code <data-dir>/ledger.marker} says a ledger existed, the
 * database must still hold it (a schema history, and rows where the marker counted some). Otherwise
 * startup stops ({@link LedgerMissingFailureAnalyzer}) instead of silently starting fresh. After
 * the migrations, the marker is written.
 */
@Component
class LedgerStartupCheck implements FlywayMigrationStrategy {

  private static final Logger log = LoggerFactory.getLogger(LedgerStartupCheck.class);

  private final Path dataDir;
  private final boolean acceptFresh;
  private final Clock clock;

  LedgerStartupCheck(CanaryProperties canary, StoreProperties store, Clock clock) {
    this.dataDir = canary.dataDir().toAbsolutePath().normalize();
    this.acceptFresh = store.acceptFreshLedger();
    this.clock = clock;
  }

  @Override
  public void migrate(Flyway flyway) {
    DataSource dataSource = flyway.getConfiguration().getDataSource();
    check(dataSource);
    flyway.migrate();
    writeMarker(new JdbcTemplate(dataSource));
  }

  void check(DataSource dataSource) {
    Path file = LedgerMarker.file(dataDir);
    Optional<LedgerMarker> marker;
    try {
      marker = LedgerMarker.read(file);
    } catch (IOException | RuntimeException e) {
      throw new LedgerMissingException(
          "The ledger marker " + file + " cannot be read: " + e.getMessage(), e);
    }
    if (marker.isEmpty()) {
      return;
    }
    LedgerMarker expected = marker.get();
    String problem;
    Throwable cause = null;
    try {
      JdbcTemplate jdbc = new JdbcTemplate(readOnly(dataSource));
      String version = LedgerFacts.schemaVersion(jdbc);
      if (version == null) {
        problem = "the database has no schema at all (no migration history)";
      } else if (expected.ledgerEntries() > 0 && LedgerFacts.count(jdbc, "ledger_entry") == 0) {
        problem = "the database has no ledger entries";
      } else if (expected.incidents() > 0 && LedgerFacts.count(jdbc, "incident") == 0) {
        problem = "the database has no incidents";
      } else {
        return;
      }
    } catch (DataAccessException | IllegalStateException e) {
      problem = "the database cannot be read (" + rootMessage(e) + ")";
      cause = e;
    }
    String message =
        "The ledger in data directory "
            + dataDir
            + " is missing, empty or truncated: "
            + problem
            + ". The marker "
            + file
            + " (written "
            + expected.writtenAt()
            + ") says a ledger existed there with schema version "
            + expected.schemaVersion()
            + ", "
            + expected.ledgerEntries()
            + " ledger entries and "
            + expected.incidents()
            + " incidents.";
    if (acceptFresh) {
      log.warn("{} Starting on a fresh ledger (canary.store.accept-fresh-ledger=true).", message);
      return;
    }
    throw new LedgerMissingException(message, cause);
  }

  /**
   * An embedded H2 file is looked at read-only: opening a damaged file read-write lets H2 rewrite
   * it, and what is left of the ledger must stay as it was for whoever restores it.
   */
  private static DataSource readOnly(DataSource dataSource) {
    if (dataSource instanceof HikariDataSource hikari
        && hikari.getJdbcUrl() != null
        && hikari.getJdbcUrl().startsWith("jdbc:h2:file:")) {
      return new DriverManagerDataSource(
          hikari.getJdbcUrl() + ";ACCESS_MODE_DATA=r", hikari.getUsername(), hikari.getPassword());
    }
    return dataSource;
  }

  private void writeMarker(JdbcTemplate jdbc) {
    Path file = LedgerMarker.file(dataDir);
    try {
      String version = LedgerFacts.schemaVersion(jdbc);
      if (version == null) {
        return;
      }
      new LedgerMarker(
              version,
              LedgerFacts.count(jdbc, "ledger_entry"),
              LedgerFacts.count(jdbc, "incident"),
              clock.instant())
          .write(file);
    } catch (IOException | DataAccessException e) {
      log.warn("Could not write the ledger marker {}: {}", file, e.toString());
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
