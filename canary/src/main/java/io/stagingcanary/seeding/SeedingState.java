package io.stagingcanary.seeding;

import io.stagingcanary.cluster.ClusterIdentity;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** The cluster the agent resolved at startup and the last seeding pass. */
@Component
public class SeedingState {

  private volatile ClusterIdentity cluster;
  private volatile SeedReport lastReport;

  /** A replica that does not lead knows its cluster but has not seeded. */
  void resolved(ClusterIdentity cluster) {
    this.cluster = cluster;
  }

  void record(ClusterIdentity cluster, SeedReport report) {
    this.cluster = cluster;
    this.lastReport = report;
  }

  public Optional<ClusterIdentity> cluster() {
    return Optional.ofNullable(cluster);
  }

  public Optional<SeedReport> lastReport() {
    return Optional.ofNullable(lastReport);
  }
}
