package io.stagingcanary.store;

import io.stagingcanary.diff.ResourceKey;
import java.time.Instant;

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
    int generation) {}
