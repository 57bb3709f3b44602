package io.stagingcanary.api;

import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.fixtures.FixtureCatalog;
import io.stagingcanary.seeding.SeedReport;
import io.stagingcanary.seeding.SeedingService;
import io.stagingcanary.seeding.SeedingState;
import io.stagingcanary.verification.SentinelState;
import io.stagingcanary.verification.SentinelStates;
import io.stagingcanary.verification.SentinelView;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Sentinels as the ledger and the live cluster show them, and on-demand seeding. */
@RestController
@RequestMapping("/api/v1")
class SentinelsController {

  private final SentinelStates states;
  private final SeedingState seedingState;
  private final SeedingService seeding;
  private final FixtureCatalog fixtures;

  SentinelsController(
      SentinelStates states,
      SeedingState seedingState,
      SeedingService seeding,
      FixtureCatalog fixtures) {
    this.states = states;
    this.seedingState = seedingState;
    this.seeding = seeding;
    this.fixtures = fixtures;
  }

  @GetMapping("/sentinels")
  List<SentinelView> sentinels(@RequestParam(required = false) SentinelState state) {
    List<SentinelView> all = states.observe(cluster());
    return state == null ? all : all.stream().filter(v -> v.state() == state).toList();
  }

  @PostMapping("/seedings")
  Map<String, Object> seed() {
    SeedReport report = seeding.seed(cluster(), fixtures.sets());
    return Map.of(
        "runId", report.runId(),
        "clusterId", report.clusterId(),
        "tookMillis", report.took().toMillis(),
        "counts", report.counts());
  }

  private ClusterIdentity cluster() {
    return seedingState
        .cluster()
        .orElseThrow(
            () ->
                new ResponseStatusException(
                    HttpStatus.SERVICE_UNAVAILABLE, "the agent has not finished starting"));
  }
}
