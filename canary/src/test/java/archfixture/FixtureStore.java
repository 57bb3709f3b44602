package archfixture;

import org.springframework.jdbc.core.JdbcTemplate;

/** A store: SQL is where it belongs. */
public class FixtureStore {

  void write(JdbcTemplate jdbc) {
    jdbc.update("INSERT INTO fixture VALUES (1)");
  }
}
