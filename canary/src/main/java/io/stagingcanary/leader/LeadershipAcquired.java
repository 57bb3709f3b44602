package io.stagingcanary.leader;

import java.time.Instant;

/** This replica became the leader: it seeds, then runs a full verification, then watches. */
public record LeadershipAcquired(String identity, Instant at) {}
