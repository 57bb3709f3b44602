package io.stagingcanary.seeding;

import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.incident.Incident;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * What the {@link Reseeder} needs of the component that observes the sentinels and owns the open
 * incidents. That component depends on {@code seeding}, so it implements this port here rather than
 * the re-seeder depending on it (no package cycle).
 */
public interface LostSentinels {

  /**
   * Runs {@code work} on the thread that owns the sentinel states and the open incidents and
   * returns its result; runs it at once when called on that thread.
   */
  <T> T onStateThread(Callable<T> work);

  /**
   * Runs {@code work} on that thread soon, without waiting for it; a failure is logged there, and
   * what it was to re-seed is tried again after the next full verification.
   */
  void onStateThreadSoon(Runnable work);

  /** The cluster the sentinels were seeded on, once it is known. */
  Optional<ClusterIdentity> cluster();

  /** Whether the sentinel is MISSING now (not merely unknown, modified or replaced). */
  boolean missingNow(ResourceKey key);

  Optional<Incident> openIncident(String id);

  /** Open incidents that are sealed (stored and paged). */
  List<Incident> openSealedIncidents();

  /**
   * A re-seed of these sentinels has run: re-read exactly their ledger entries (new uids), and
   * judge again at once those the outcomes say were not re-created.
   */
  void reseeded(Collection<ResourceKey> keys, List<SeedOutcome> outcomes);
}
