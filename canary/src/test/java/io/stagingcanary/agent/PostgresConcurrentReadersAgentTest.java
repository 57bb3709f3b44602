package io.stagingcanary.agent;

import io.stagingcanary.store.EmbeddedPostgresSupport;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The 200-reader test with the ledger on a real PostgreSQL server. */
class PostgresConcurrentReadersAgentTest extends ConcurrentReadersAgentTest {

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    EmbeddedPostgresSupport postgres = EmbeddedPostgresSupport.server();
    String database = postgres.createDatabase();
    registry.add("spring.datasource.url", () -> postgres.jdbcUrl(database));
    registry.add("spring.datasource.username", postgres::username);
    registry.add("spring.datasource.password", () -> "");
  }
}
