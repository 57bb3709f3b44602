package io.stagingcanary.store;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;
import java.util.Set;

/**
 * Tells the connection pool to drop a connection whose embedded H2 database closed itself (after a
 * failed write on a full disk, for example): the next connection opens the database file again, so
 * the agent recovers by itself once space returns instead of answering "The database has been
 * closed" until it is restarted. Set as {@code spring.datasource.hikari.exception-override-class-
 * name}; other errors keep the pool's own judgement.
 */
public final class LedgerConnectionEviction implements SQLExceptionOverride {

  /** H2 error codes after which a connection is of no further use. */
  static final Set<Integer> H2_DEAD =
      Set.of(
          90098, // DATABASE_IS_CLOSED
          90121, // DATABASE_CALLED_AT_SHUTDOWN
          90028, // IO_EXCEPTION_1
          90031, // IO_EXCEPTION_2
          90100, // NO_DISK_SPACE_AVAILABLE
          90067, // CONNECTION_BROKEN_1
          90030); // FILE_CORRUPTED_1

  @java.lang.Override
  public Override adjudicate(SQLException exception) {
    for (Throwable t = exception; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && H2_DEAD.contains(sql.getErrorCode())) {
        return Override.MUST_EVICT;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return Override.CONTINUE_EVICT;
  }
}
