package io.stagingcanary.api;

import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentStore;
import io.stagingcanary.leader.Leadership;
import io.stagingcanary.maintenance.MaintenanceWindow;
import io.stagingcanary.maintenance.MaintenanceWindows;
import io.stagingcanary.verification.SentinelObservations;
import io.stagingcanary.verification.SentinelState;
import io.stagingcanary.verification.SentinelStates;
import io.stagingcanary.verification.SentinelView;
import io.stagingcanary.verification.VerificationRequests;
import io.stagingcanary.verification.VerificationResult;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The agent's overall state, and full verifications on demand. */
@RestController
@RequestMapping("/api/v1")
class StatusController {

  private final SentinelObservations observations;
  private final VerificationRequests verifications;
  private final SentinelStates states;
  private final IncidentStore incidents;
  private final CurrentCluster cluster;
  private final MaintenanceWindows maintenance;
  private final Leadership leadership;

  StatusController(
      SentinelObservations observations,
      VerificationRequests verifications,
      SentinelStates states,
      IncidentStore incidents,
      CurrentCluster cluster,
      MaintenanceWindows maintenance,
      Leadership leadership) {
    this.observations = observations;
    this.verifications = verifications;
    this.states = states;
    this.incidents = incidents;
    this.cluster = cluster;
    this.maintenance = maintenance;
    this.leadership = leadership;
  }

  /** Who acts on the cluster: this replica's identity, whether it leads, the current leader. */
  record LeaderView(String identity, boolean leader, String currentLeader) {}

  /** The answer of {@code GET /api/v1/status}. */
  record Status(
      String state,
      String cluster,
      String clusterId,
      int expected,
      int present,
      Map<SentinelState, Integer> byState,
      List<String> openIncidents,
      Instant blindSince,
      String blindReason,
      VerificationResult lastVerification,
      Instant lastSuccessfulVerification,
      List<MaintenanceWindow> maintenanceWindows,
      LeaderView leadership) {}

  @GetMapping("/status")
  Status status() {
    ClusterIdentity identity = cluster.get();
    List<SentinelView> views = states.list(identity);
    Map<SentinelState, Integer> byState = new EnumMap<>(SentinelState.class);
    views.forEach(v -> byState.merge(v.state(), 1, Integer::sum));
    return new Status(
        observations.state().name(),
        identity.name(),
        identity.id(),
        views.size(),
        byState.getOrDefault(SentinelState.PRESENT, 0),
        byState,
        incidents.open(identity.id()).stream().map(Incident::id).toList(),
        observations.blindSince().orElse(null),
        observations.blindReason().orElse(null),
        observations.lastVerification().orElse(null),
        observations.lastSuccessfulVerification().orElse(null),
        maintenance.active(),
        new LeaderView(
            leadership.identity(), leadership.isLeader(), leadership.currentLeader().orElse(null)));
  }

  @PostMapping("/verifications")
  VerificationResult verify() {
    cluster.get();
    return verifications.verifyNow();
  }
}
