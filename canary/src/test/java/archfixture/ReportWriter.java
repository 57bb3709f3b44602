package archfixture;

import org.springframework.jdbc.core.JdbcTemplate;

/** Writes SQL although it is no store. */
public class ReportWriter {

  void write(JdbcTemplate jdbc) {
    jdbc.update("INSERT INTO report VALUES (1)");
  }
}
