package io.stagingcanary.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.stagingcanary.TestJdbc;
import io.stagingcanary.data.DataRecord.CheckState;
import io.stagingcanary.data.DataRecord.WriteState;
import io.stagingcanary.store.EmbeddedPostgresSupport;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Migration V20 and the data ledger on H2 and on a real PostgreSQL server. */
class DataLedgerTest {

  @TempDir static Path directory;

  static Stream<String> databases() {
    return Stream.of("h2", "postgresql");
  }

  private static HikariDataSource open(String database) {
    HikariDataSource dataSource = new HikariDataSource();
    if (database.equals("h2")) {
      dataSource.setJdbcUrl(
          "jdbc:h2:file:" + directory.resolve("data-" + System.nanoTime()).toAbsolutePath());
      dataSource.setUsername("sa");
      dataSource.setPassword("");
    } else {
      EmbeddedPostgresSupport postgres = EmbeddedPostgresSupport.server();
      dataSource.setJdbcUrl(postgres.jdbcUrl(postgres.createDatabase()));
      dataSource.setUsername(postgres.username());
    }
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    return dataSource;
  }

  @ParameterizedTest
  @MethodSource("databases")
  void recordsReadBackAndAreReplacedPerClaim(String database) {
    try (HikariDataSource dataSource = open(database)) {
      DataLedger ledger =
          new DataLedger(TestJdbc.client(dataSource), TestJdbc.transactions(dataSource));
      DataRecord pending = DataTestSupport.record("canary-acme", "canary-data", "seed", 4096);
      ledger.save(pending);
      assertThat(ledger.find("cluster-1", "canary-acme", "canary-data")).contains(pending);

      Instant at = Instant.parse("2026-12-02T03:00:00.123456Z");
      DataRecord checked =
          pending
              .written(WriteState.WRITTEN, at, null)
              .checked(CheckState.MISMATCH, "data: content sha256 x", at.plusSeconds(60));
      ledger.save(checked);
      ledger.save(DataTestSupport.record("canary-globex", "canary-data", "other", 4096));

      assertThat(ledger.find("cluster-1", "canary-acme", "canary-data")).contains(checked);
      List<DataRecord> all = ledger.findAll("cluster-1");
      assertThat(all)
          .extracting(DataRecord::namespace)
          .containsExactly("canary-acme", "canary-globex");
      assertThat(ledger.findAll("another-cluster")).isEmpty();
    }
  }
}
