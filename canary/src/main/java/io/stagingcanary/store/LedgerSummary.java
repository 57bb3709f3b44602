package io.stagingcanary.store;

import io.stagingcanary.diff.ResourceKey;
import java.time.Instant;

/**
 * What the sentinel views show of a ledger entry: identity, the uid the API server gave it, when
 * and how often it was seeded. No manifest: reading every manifest to count sentinels per state was
 * most of the cost of a status call, a metrics scrape or the overview page at 10,000.
 */
public record LedgerSummary(ResourceKey key, String uid, Instant seededAt, int generation) {

  static LedgerSummary of(LedgerEntry entry) {
    return new LedgerSummary(entry.key(), entry.uid(), entry.seededAt(), entry.generation());
  }
}
