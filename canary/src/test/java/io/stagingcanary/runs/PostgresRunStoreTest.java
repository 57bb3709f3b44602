package io.stagingcanary.runs;

import io.stagingcanary.store.EmbeddedPostgresSupport;

/** The run store on a real PostgreSQL server. */
class PostgresRunStoreTest extends RunStoreContract {

  private final EmbeddedPostgresSupport postgres = EmbeddedPostgresSupport.server();

  @Override
  String[] newDatabase() {
    String database = postgres.createDatabase();
    return new String[] {postgres.jdbcUrl(database), postgres.username(), null};
  }
}
