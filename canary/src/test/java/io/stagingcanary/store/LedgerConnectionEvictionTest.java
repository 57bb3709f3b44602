package io.stagingcanary.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * An embedded H2 database that closed itself (as after a failed write on a full disk) does not
 * leave the pool answering "The database has been closed": the dead connection is dropped and the
 * next one opens the file again.
 */
class LedgerConnectionEvictionTest {

  @TempDir Path directory;

  @Test
  void aClosedH2DatabaseIsReopenedByTheNextConnection() throws Exception {
    String url =
        "jdbc:h2:file:"
            + directory.resolve("ledger").toAbsolutePath()
            + ";DB_CLOSE_ON_EXIT=FALSE;TRACE_MAX_FILE_SIZE=1";
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername("sa");
    config.setPassword("");
    config.setMaximumPoolSize(1);
    config.setExceptionOverrideClassName(LedgerConnectionEviction.class.getName());
    try (HikariDataSource dataSource = new HikariDataSource(config)) {
      JdbcTemplate jdbc = new JdbcTemplate(dataSource);
      jdbc.execute("CREATE TABLE t (v INT)");
      jdbc.update("INSERT INTO t VALUES (1)");
      // The database closes itself under the pool (as H2 does after a failed write); the pool's
      // connection stays in the pool, dead.
      try (Connection other = DriverManager.getConnection(url, "sa", "")) {
        other.createStatement().execute("CHECKPOINT SYNC");
        other.createStatement().execute("SHUTDOWN IMMEDIATELY");
      } catch (SQLException e) {
        // H2 may report the shutdown on the connection that asked for it
      }

      assertThatThrownBy(() -> jdbc.queryForObject("SELECT COUNT(*) FROM t", Integer.class))
          .rootCause()
          .message()
          .containsIgnoringCase("closed");
      assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM t", Integer.class))
          .as("the next connection reopened the file")
          .isEqualTo(1);
    }
  }

  @Test
  void otherErrorsKeepThePoolsJudgement() {
    assertThat(
            new LedgerConnectionEviction()
                .adjudicate(new java.sql.SQLException("syntax", "42000", 42000)))
        .isEqualTo(com.zaxxer.hikari.SQLExceptionOverride.Override.CONTINUE_EVICT);
    assertThat(
            new LedgerConnectionEviction()
                .adjudicate(new java.sql.SQLException("closed", "90098", 90098)))
        .isEqualTo(com.zaxxer.hikari.SQLExceptionOverride.Override.MUST_EVICT);
  }
}
