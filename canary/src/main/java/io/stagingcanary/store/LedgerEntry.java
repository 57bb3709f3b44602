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
 * supported database keeps, so a saved entry reads back equal. Build one with {@link #builder()},
 * change one with {@link #toBuilder()} or {@link #reseeded}.
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

  /** An empty builder; a new entry is generation 1. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this entry's values, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .clusterId(clusterId)
        .key(key)
        .owner(set, tenant)
        .server(uid, resourceVersion)
        .content(fingerprint, manifestJson)
        .seededAt(seededAt)
        .generation(generation);
  }

  /** Builds a {@link LedgerEntry}; {@link #build()} checks the required fields. */
  public static final class Builder {
    private String clusterId;
    private ResourceKey key;
    private String set;
    private String tenant;
    private String uid;
    private String resourceVersion;
    private String fingerprint;
    private String manifestJson;
    private Instant seededAt;
    private int generation = 1;

    private Builder() {}

    public Builder clusterId(String clusterId) {
      this.clusterId = clusterId;
      return this;
    }

    public Builder key(ResourceKey key) {
      this.key = key;
      return this;
    }

    /** The sentinel set and the tenant the object belongs to. */
    public Builder owner(String set, String tenant) {
      this.set = set;
      this.tenant = tenant;
      return this;
    }

    /** The server's identity of the object; both null until the server accepted it. */
    public Builder server(String uid, String resourceVersion) {
      this.uid = uid;
      this.resourceVersion = resourceVersion;
      return this;
    }

    /** What was applied: the manifest's fingerprint and the manifest as JSON. */
    public Builder content(String fingerprint, String manifestJson) {
      this.fingerprint = fingerprint;
      this.manifestJson = manifestJson;
      return this;
    }

    public Builder seededAt(Instant seededAt) {
      this.seededAt = seededAt;
      return this;
    }

    public Builder generation(int generation) {
      this.generation = generation;
      return this;
    }

    /** The entry; throws when a required field is missing. */
    public LedgerEntry build() {
      return new LedgerEntry(
          clusterId,
          key,
          set,
          tenant,
          uid,
          resourceVersion,
          fingerprint,
          manifestJson,
          seededAt,
          generation);
    }
  }

  private static void requireNonBlank(String value, String field) {
    Objects.requireNonNull(value, field);
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
  }
}
