package io.stagingcanary.incident;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.io.TempDir;

/** The incident upgrade on an H2 file database, as the agent runs by default. */
class H2IncidentUpgradeTest extends IncidentUpgradeContract {

  @TempDir Path directory;

  @Override
  DataSource newDatabase() {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:file:" + directory.resolve("ledger").toAbsolutePath());
    dataSource.setUser("sa");
    return dataSource;
  }
}
