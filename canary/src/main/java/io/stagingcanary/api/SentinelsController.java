package io.stagingcanary.api;

import io.stagingcanary.fixtures.FixtureCatalog;
import io.stagingcanary.seeding.SeedReport;
import io.stagingcanary.seeding.SeedingService;
import io.stagingcanary.verification.SentinelState;
import io.stagingcanary.verification.SentinelStates;
import io.stagingcanary.verification.SentinelView;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Sentinels with their ledger records and latest verified state, and on-demand seeding. */
@RestController
@RequestMapping("/api/v1")
class SentinelsController {

  private final SentinelStates states;
  private final SeedingService seeding;
  private final FixtureCatalog fixtures;
  private final CurrentCluster cluster;

  SentinelsController(
      SentinelStates states,
      SeedingService seeding,
      FixtureCatalog fixtures,
      CurrentCluster cluster) {
    this.states = states;
    this.seeding = seeding;
    this.fixtures = fixtures;
    this.cluster = cluster;
  }

  @GetMapping("/sentinels")
  List<SentinelView> sentinels(@RequestParam(required = false) SentinelState state) {
    List<SentinelView> all = states.list(cluster.get());
    return state == null ? all : all.stream().filter(v -> v.state() == state).toList();
  }

  @PostMapping("/seedings")
  Map<String, Object> seed() {
    SeedReport report = seeding.seed(cluster.get(), fixtures.sets());
    return Map.of(
        "runId", report.runId(),
        "clusterId", report.clusterId(),
        "tookMillis", report.took().toMillis(),
        "counts", report.counts());
  }
}
