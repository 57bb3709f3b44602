package io.stagingcanary.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The ledger contract on a real PostgreSQL server (see {@link EmbeddedPostgresSupport}). */
class PostgresLedgerTest extends LedgerContract {

  private final EmbeddedPostgresSupport postgres = EmbeddedPostgresSupport.server();

  @Override
  String[] newDatabase() {
    String database = postgres.createDatabase();
    return new String[] {postgres.jdbcUrl(database), postgres.username(), null};
  }

  @Test
  void runsOnARealPostgresqlServer() {
    String version =
        JdbcClient.create(dataSource).sql("SELECT version()").query(String.class).single();
    assertThat(version).startsWith("PostgreSQL 17.");
  }
}
