package io.stagingcanary.leader;

import io.stagingcanary.metrics.CanaryMetrics;
import org.springframework.stereotype.Component;

/** Exposes whether this replica leads as {@code canary_leader}. */
@Component
class LeadershipMetrics {

  LeadershipMetrics(CanaryMetrics metrics, Leadership leadership) {
    metrics.bindLeader(leadership::isLeader);
  }
}
