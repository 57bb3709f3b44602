package io.stagingcanary.incident;

import io.stagingcanary.store.EmbeddedPostgresSupport;
import javax.sql.DataSource;

/** The incident upgrade on a real PostgreSQL server. */
class PostgresIncidentUpgradeTest extends IncidentUpgradeContract {

  @Override
  DataSource newDatabase() {
    EmbeddedPostgresSupport postgres = EmbeddedPostgresSupport.server();
    return postgres.dataSource(postgres.createDatabase());
  }
}
