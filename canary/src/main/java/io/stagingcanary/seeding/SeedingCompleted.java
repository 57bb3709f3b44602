package io.stagingcanary.seeding;

import io.stagingcanary.cluster.ClusterIdentity;

/** Published after the startup seeding pass: the agent knows its cluster and its sentinels. */
public record SeedingCompleted(ClusterIdentity cluster, SeedReport report) {}
