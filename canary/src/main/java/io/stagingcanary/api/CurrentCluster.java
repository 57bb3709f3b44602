package io.stagingcanary.api;

import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.seeding.SeedingState;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

/** The cluster the agent resolved at startup; 503 until it has. */
@Component
class CurrentCluster {

  private final SeedingState seeding;

  CurrentCluster(SeedingState seeding) {
    this.seeding = seeding;
  }

  ClusterIdentity get() {
    return seeding
        .cluster()
        .orElseThrow(
            () ->
                new ResponseStatusException(
                    HttpStatus.SERVICE_UNAVAILABLE, "the agent has not finished starting"));
  }
}
