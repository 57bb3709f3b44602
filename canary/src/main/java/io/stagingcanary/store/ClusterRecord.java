package io.stagingcanary.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/** A cluster the agent has seen, identified by the uid of its kube-system namespace. */
public record ClusterRecord(
    String clusterId, String clusterName, Instant firstSeenAt, Instant lastSeenAt) {

  public ClusterRecord {
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(clusterName, "clusterName");
    firstSeenAt = Objects.requireNonNull(firstSeenAt, "firstSeenAt").truncatedTo(ChronoUnit.MICROS);
    lastSeenAt = Objects.requireNonNull(lastSeenAt, "lastSeenAt").truncatedTo(ChronoUnit.MICROS);
  }
}
