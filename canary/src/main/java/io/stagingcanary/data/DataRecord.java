package io.stagingcanary.data;

import java.time.Instant;
import java.util.Objects;

/**
 * The content the canary wrote into one sentinel PVC, and what the last check found. Build one with
 * {@link #builder()} (a new record is PENDING, never checked); {@link #written} and {@link
 * #checked} change it.
 *
 * @param writtenAt null until the writer reported the expected digest
 * @param checkState null before the first check
 */
record DataRecord(
    String clusterId,
    String namespace,
    String claim,
    String set,
    String tenant,
    String claimUid,
    int generation,
    long sizeBytes,
    String expectedSha256,
    WriteState writeState,
    Instant writtenAt,
    CheckState checkState,
    String checkDetail,
    Instant checkedAt) {

  /** Whether the content is on the claim. */
  enum WriteState {
    PENDING,
    WRITTEN,
    FAILED
  }

  /** What the last checker found. UNKNOWN is "could not look", never a loss. */
  enum CheckState {
    OK,
    MISMATCH,
    MISSING,
    UNKNOWN;

    /** Whether the content is provably not what was written. */
    boolean lost() {
      return this == MISMATCH || this == MISSING;
    }
  }

  DataRecord {
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(claim, "claim");
    Objects.requireNonNull(claimUid, "claimUid");
    Objects.requireNonNull(expectedSha256, "expectedSha256");
    Objects.requireNonNull(writeState, "writeState");
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("claim " + claim + ": sizeBytes " + sizeBytes + " < 0");
    }
  }

  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link DataRecord}; {@link #build()} checks the required fields. */
  static final class Builder {
    private String clusterId;
    private String namespace;
    private String claim;
    private String set;
    private String tenant;
    private String claimUid;
    private int generation;
    private long sizeBytes;
    private String expectedSha256;
    private WriteState writeState = WriteState.PENDING;
    private Instant writtenAt;
    private CheckState checkState;
    private String checkDetail;
    private Instant checkedAt;

    private Builder() {}

    Builder clusterId(String clusterId) {
      this.clusterId = clusterId;
      return this;
    }

    /** The claim: its namespace, name and uid. */
    Builder claim(String namespace, String claim, String claimUid) {
      this.namespace = namespace;
      this.claim = claim;
      this.claimUid = claimUid;
      return this;
    }

    /** The sentinel set and tenant the claim belongs to. */
    Builder owner(String set, String tenant) {
      this.set = set;
      this.tenant = tenant;
      return this;
    }

    /** What is written: for the claim's ledger generation, this many bytes with this digest. */
    Builder content(int generation, long sizeBytes, String expectedSha256) {
      this.generation = generation;
      this.sizeBytes = sizeBytes;
      this.expectedSha256 = expectedSha256;
      return this;
    }

    Builder write(WriteState writeState, Instant writtenAt) {
      this.writeState = writeState;
      this.writtenAt = writtenAt;
      return this;
    }

    Builder check(CheckState checkState, String checkDetail, Instant checkedAt) {
      this.checkState = checkState;
      this.checkDetail = checkDetail;
      this.checkedAt = checkedAt;
      return this;
    }

    DataRecord build() {
      return new DataRecord(
          clusterId,
          namespace,
          claim,
          set,
          tenant,
          claimUid,
          generation,
          sizeBytes,
          expectedSha256,
          writeState,
          writtenAt,
          checkState,
          checkDetail,
          checkedAt);
    }
  }

  DataRecord written(WriteState state, Instant at, String detail) {
    return new DataRecord(
        clusterId,
        namespace,
        claim,
        set,
        tenant,
        claimUid,
        generation,
        sizeBytes,
        expectedSha256,
        state,
        state == WriteState.WRITTEN ? at : writtenAt,
        state == WriteState.WRITTEN ? null : CheckState.UNKNOWN,
        state == WriteState.WRITTEN ? null : detail,
        state == WriteState.WRITTEN ? null : at);
  }

  DataRecord checked(CheckState state, String detail, Instant at) {
    return new DataRecord(
        clusterId,
        namespace,
        claim,
        set,
        tenant,
        claimUid,
        generation,
        sizeBytes,
        expectedSha256,
        writeState,
        writtenAt,
        state,
        detail,
        at);
  }
}
