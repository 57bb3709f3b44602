package io.stagingcanary.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.stagingcanary.TestJdbc;
import io.stagingcanary.diff.ResourceKey;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger contract on the default store: an H2 database file. */
class H2LedgerTest extends LedgerContract {

  @TempDir Path directory;

  String url() {
    return "jdbc:h2:file:" + directory.resolve("ledger").toAbsolutePath() + ";AUTO_SERVER=FALSE";
  }

  @Override
  String[] newDatabase() {
    return new String[] {url(), "sa", ""};
  }

  @Test
  void entriesSurviveClosingAndReopeningTheDatabaseFile() {
    LedgerEntry entry =
        entry(CLUSTER, ResourceKey.namespaced("v1", "ConfigMap", "t", "durable"), "set");
    ledger.save(entry);
    ledger.touchCluster(CLUSTER, "staging", T0);
    dataSource.close();
    assertThat(directory.resolve("ledger.mv.db")).exists();

    try (HikariDataSource reopened = pool(url(), "sa", "")) {
      assertThat(migrate(reopened).migrationsExecuted).isZero();
      JdbcLedger again = new JdbcLedger(TestJdbc.client(reopened), TestJdbc.transactions(reopened));
      assertThat(again.findAll(CLUSTER)).containsExactly(entry);
      assertThat(again.findCluster(CLUSTER)).isPresent();
    }
  }
}
