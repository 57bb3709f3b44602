package io.stagingcanary.verification;

import java.time.Instant;

/** One sentinel as the API shows it. */
public record SentinelView(
    String set,
    String tenant,
    String apiVersion,
    String kind,
    String namespace,
    String name,
    String uid,
    Instant seededAt,
    Integer generation,
    SentinelState state,
    String detail) {}
