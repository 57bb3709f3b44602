package io.stagingcanary.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.stagingcanary.CanaryApplication;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A ledger that existed (the marker says so) and is now cut to 20 KB stops the agent's startup with
 * a message naming the data directory and what was expected, instead of a silent start on an empty
 * schema; {@code canary.store.accept-fresh-ledger=true} is the explicit way on.
 */
@ExtendWith(OutputCaptureExtension.class)
class TruncatedLedgerStartupTest {

  @TempDir Path dataDir;

  @Test
  void aTruncatedLedgerStopsStartupNamingTheDataDirectory(CapturedOutput output) throws Exception {
    Path file = writeLedgerThenTruncate();

    assertThatThrownBy(() -> start(false).close())
        .hasRootCauseInstanceOf(Exception.class)
        .satisfies(
            e -> {
              Throwable t = e;
              while (t != null && !(t instanceof LedgerMissingException)) {
                t = t.getCause();
              }
              assertThat(t).as("stopped by the ledger check").isNotNull();
              assertThat(t.getMessage())
                  .contains(dataDir.toAbsolutePath().normalize().toString())
                  .contains("missing, empty or truncated")
                  .contains("schema version ")
                  .contains("1 ledger entries and 1 incidents");
            });
    assertThat(output)
        .contains("APPLICATION FAILED TO START")
        .contains("canary.store.accept-fresh-ledger=true");
    assertThat(Files.size(file)).as("the remains are left as they were").isEqualTo(20 * 1024);
  }

  /** An H2 ledger with one entry and one incident, its marker, then the file cut to 20 KB. */
  Path writeLedgerThenTruncate() throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:file:" + dataDir.resolve("ledger").toAbsolutePath());
    config.setUsername("sa");
    config.setPassword("");
    try (HikariDataSource dataSource = new HikariDataSource(config)) {
      Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:db/migration")
          .load()
          .migrate();
      JdbcTemplate jdbc = new JdbcTemplate(dataSource);
      jdbc.update(
          "INSERT INTO ledger_entry (cluster_id, api_version, kind, namespace, name, set_name,"
              + " tenant, uid, resource_version, fingerprint, manifest, seeded_at, generation,"
              + " updated_at)"
              + " VALUES ('c-1', 'v1', 'Namespace', '', 'canary-acme', 'sandbox', 'acme', 'u-1',"
              + " '1', 'f', '{}', CURRENT_TIMESTAMP, 1, CURRENT_TIMESTAMP)");
      jdbc.update(
          "INSERT INTO incident (incident_id, cluster_id, cluster_name, incident_type,"
              + " detected_by, opened_at, headline)"
              + " VALUES ('inc-1', 'c-1', 'sandbox', 'SENTINEL_LOSS', 'WATCH', CURRENT_TIMESTAMP,"
              + " 'h')");
      new LedgerMarker(
              LedgerFacts.schemaVersion(jdbc),
              LedgerFacts.count(jdbc, "ledger_entry"),
              LedgerFacts.count(jdbc, "incident"),
              Instant.now())
          .write(LedgerMarker.file(dataDir));
      jdbc.execute("SHUTDOWN");
    }
    Path file = dataDir.resolve("ledger.mv.db");
    assertThat(Files.size(file)).isGreaterThan(20 * 1024);
    try (RandomAccessFile cut = new RandomAccessFile(file.toFile(), "rw")) {
      cut.setLength(20 * 1024);
    }
    return file;
  }

  org.springframework.context.ConfigurableApplicationContext start(boolean acceptFresh) {
    return new SpringApplicationBuilder(CanaryApplication.class)
        .profiles("sandbox")
        .run(
            "--canary.data-dir=" + dataDir,
            "--canary.sandbox.port=0",
            "--server.port=0",
            "--canary.fixtures.path=../fixtures",
            "--canary.store.accept-fresh-ledger=" + acceptFresh);
  }
}
