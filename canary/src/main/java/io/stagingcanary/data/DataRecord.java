package io.stagingcanary.data;

import java.time.Instant;
import java.util.Objects;

/**
 * The content the canary wrote into one sentinel PVC, and what the last check found.
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
