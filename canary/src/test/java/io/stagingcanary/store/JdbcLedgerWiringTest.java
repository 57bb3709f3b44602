package io.stagingcanary.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.diff.ResourceKey;
import java.nio.file.Path;
import java.time.Instant;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Spring Boot applies the migrations at startup and wires the ledger from spring.datasource.*. */
class JdbcLedgerWiringTest {

  @TempDir Path directory;

  @Test
  void bootMigratesTheH2FileAndWiresTheJdbcLedger() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DataSourceAutoConfiguration.class,
                FlywayAutoConfiguration.class,
                org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration.class,
                org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration.class,
                org.springframework.boot.jdbc.autoconfigure
                    .DataSourceTransactionManagerAutoConfiguration.class,
                org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration
                    .class))
        .withBean(JdbcLedger.class)
        .withPropertyValues(
            "spring.datasource.url=jdbc:h2:file:"
                + directory.resolve("ledger").toAbsolutePath()
                + ";AUTO_SERVER=FALSE",
            "spring.datasource.username=sa")
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(Ledger.class);
              Flyway flyway = context.getBean(Flyway.class);
              assertThat(flyway.info().pending()).as("every migration applied").isEmpty();
              assertThat(flyway.info().applied()).hasSizeGreaterThanOrEqualTo(1);
              Ledger ledger = context.getBean(Ledger.class);
              ledger.touchCluster("c1", "staging", Instant.parse("2026-01-01T00:00:00Z"));
              ledger.save(
                  LedgerContract.entry(
                      "c1", ResourceKey.clusterScoped("v1", "Namespace", "tenant-a"), "set"));
              assertThat(ledger.count("c1")).isEqualTo(1);
              assertThat(ledger.clusters())
                  .extracting(ClusterRecord::clusterName)
                  .containsExactly("staging");
            });
  }
}
