package io.stagingcanary.store;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a ledger that existed and is gone now, and the two ways on. */
class LedgerMissingFailureAnalyzer extends AbstractFailureAnalyzer<LedgerMissingException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, LedgerMissingException cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Restore the ledger database (the embedded H2 default is <canary.data-dir>/ledger.mv.db;"
            + " otherwise the database behind spring.datasource.url) from a backup and start"
            + " again. To begin a fresh, empty ledger on purpose (all history and unsent alerts"
            + " are lost), start once with canary.store.accept-fresh-ledger=true, or delete the"
            + " marker file "
            + LedgerMarker.FILE_NAME
            + " in the data directory.",
        cause);
  }
}
