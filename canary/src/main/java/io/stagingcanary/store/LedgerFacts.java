package io.stagingcanary.store;

import java.util.List;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.JdbcTemplate;

/** What the ledger database holds, read cheaply: schema version and row counts. */
final class LedgerFacts {

  private LedgerFacts() {}

  /** The last successfully applied migration version; null when there is no schema history. */
  static String schemaVersion(JdbcTemplate jdbc) {
    try {
      List<String> versions =
          jdbc.queryForList(
              "SELECT \"version\" FROM \"flyway_schema_history\""
                  + " WHERE \"success\" = TRUE AND \"version\" IS NOT NULL"
                  + " ORDER BY \"installed_rank\" DESC",
              String.class);
      return versions.isEmpty() ? null : versions.get(0);
    } catch (BadSqlGrammarException e) {
      return null;
    }
  }

  static long count(JdbcTemplate jdbc, String table) throws DataAccessException {
    Long count = jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Long.class);
    return count == null ? 0 : count;
  }
}
