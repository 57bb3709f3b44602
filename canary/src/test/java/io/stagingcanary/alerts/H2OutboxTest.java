package io.stagingcanary.alerts;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The outbox contract on the default store: an H2 database file. */
class H2OutboxTest extends OutboxContract {

  @TempDir Path directory;

  @Override
  HikariDataSource newDatabase() {
    return TestAlerts.pool(
        "jdbc:h2:file:" + directory.resolve("ledger").toAbsolutePath() + ";AUTO_SERVER=FALSE",
        "sa",
        "");
  }
}
