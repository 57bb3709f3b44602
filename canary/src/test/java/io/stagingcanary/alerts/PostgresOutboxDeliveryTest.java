package io.stagingcanary.alerts;

import com.zaxxer.hikari.HikariDataSource;
import io.stagingcanary.store.EmbeddedPostgresSupport;

/** The delivery tests, restart included, on a real PostgreSQL server. */
class PostgresOutboxDeliveryTest extends OutboxDeliveryTest {

  private String database;

  @Override
  HikariDataSource open() {
    EmbeddedPostgresSupport postgres = EmbeddedPostgresSupport.server();
    if (database == null) {
      database = postgres.createDatabase();
    }
    return TestAlerts.pool(postgres.jdbcUrl(database), postgres.username(), null);
  }
}
