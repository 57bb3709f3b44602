package io.stagingcanary.store;

/** The marker says a ledger existed, but the database is missing, empty or truncated. */
class LedgerMissingException extends IllegalStateException {

  LedgerMissingException(String message, Throwable cause) {
    super(message, cause);
  }
}
