package io.stagingcanary.store;

import io.stagingcanary.diff.ResourceKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One sentinel object the agent seeded into a cluster.
 *
 * <p>{@code uid} and {@code resourceVersion} may be null while the server has not accepted the
 * object yet; every other field is required. {@code fingerprint} identifies what was applied (the
 * hex SHA-256 of the manifest). {@code seededAt} is truncated to microseconds, the precision every
 * supported database keeps, so a saved entry reads back equal.
 */
public record LedgerEntry(
    String clusterId,
    ResourceKey key,
    String set,
    String tenant,
    String uid,
    String resourceVersion,
    String fingerprint,
    String manifestJson,
    Instant seededAt,
    int generation) {

  public LedgerEntry {
    requireNonBlank(clusterId, "clusterId");
    Objects.requireNonNull(key, "key");
    requireNonBlank(set, "set");
    Objects.requireNonNull(tenant, "tenant");
    requireNonBlank(fingerprint, "fingerprint");
    Objects.requireNonNull(manifestJson, "manifestJson");
    seededAt = Objects.requireNonNull(seededAt, "seededAt").truncatedTo(ChronoUnit.MICROS);
    if (generation < 1) {
      throw new IllegalArgumentException("generation starts at 1, was " + generation);
    }
  }

  /** The same entry re-seeded: new server identity, new content, generation + 1. */
  public LedgerEntry reseeded(
      String newUid,
      String newResourceVersion,
      String newFingerprint,
      String newManifestJson,
      Instant newSeededAt) {
    return new LedgerEntry(
        clusterId,
        key,
        set,
        tenant,
        newUid,
        newResourceVersion,
        newFingerprint,
        newManifestJson,
        newSeededAt,
        generation + 1);
  }

  private static void requireNonBlank(String value, String field) {
    Objects.requireNonNull(value, field);
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
  }
}
