package io.stagingcanary.alerts;

import com.zaxxer.hikari.HikariDataSource;
import io.stagingcanary.store.EmbeddedPostgresSupport;

/** The outbox contract on a real PostgreSQL server. */
class PostgresOutboxTest extends OutboxContract {

  @Override
  HikariDataSource newDatabase() {
    EmbeddedPostgresSupport postgres = EmbeddedPostgresSupport.server();
    String database = postgres.createDatabase();
    return TestAlerts.pool(postgres.jdbcUrl(database), postgres.username(), null);
  }
}
