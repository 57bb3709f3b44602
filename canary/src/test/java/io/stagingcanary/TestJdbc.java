package io.stagingcanary;

import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Outside a Spring context, what Boot makes once for the application's DataSource: the {@link
 * JdbcClient} and the {@link TransactionTemplate} of its one transaction manager.
 */
public final class TestJdbc {

  private TestJdbc() {}

  public static JdbcClient client(DataSource dataSource) {
    return JdbcClient.create(dataSource);
  }

  public static TransactionTemplate transactions(DataSource dataSource) {
    return new TransactionTemplate(new JdbcTransactionManager(dataSource));
  }
}
