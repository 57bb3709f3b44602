package io.stagingcanary.incident;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Durable incidents, kept in the ledger database. */
public interface IncidentStore {

  void insert(Incident incident);

  /**
   * Replaces the incident's mutable fields (sealed/resolved times, blind interval, headline,
   * items).
   */
  void update(Incident incident);

  Optional<Incident> find(String id);

  /** Newest first. */
  List<Incident> list(String clusterId, int limit);

  /** Incidents of this cluster that are not resolved. */
  List<Incident> open(String clusterId);

  void resolve(String id, Instant at);

  /**
   * Runs {@code work} in one database transaction with the store's writes inside it; writes of
   * other repositories on the same data source join it.
   */
  default void inTransaction(Runnable work) {
    work.run();
  }
}
