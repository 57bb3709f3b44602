package io.stagingcanary.api;

import io.stagingcanary.data.DataIntegrity;
import io.stagingcanary.data.SnapshotFreshness;
import io.stagingcanary.verification.VerificationRequests;
import io.stagingcanary.verification.VerificationResult;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The data inside sentinel PVCs and the freshness of their snapshots. */
@RestController
@RequestMapping("/api/v1")
class DataController {

  private final DataIntegrity data;
  private final SnapshotFreshness snapshots;
  private final VerificationRequests verifications;
  private final CurrentCluster cluster;

  DataController(
      DataIntegrity data,
      SnapshotFreshness snapshots,
      VerificationRequests verifications,
      CurrentCluster cluster) {
    this.data = data;
    this.snapshots = snapshots;
    this.verifications = verifications;
    this.cluster = cluster;
  }

  /** The answer of {@code GET /api/v1/sentinels/data}. */
  record DataStatus(
      boolean enabled, List<DataIntegrity.ClaimView> claims, SnapshotFreshness.Report snapshots) {}

  /** The answer of {@code POST /api/v1/verifications?data=true}. */
  record DataVerification(
      VerificationResult verification,
      List<DataIntegrity.ClaimView> claims,
      SnapshotFreshness.Report snapshots) {}

  @GetMapping("/sentinels/data")
  DataStatus status() {
    cluster.get();
    return new DataStatus(data.enabled(), data.claims(), snapshots.report());
  }

  /** Checks the data of every claim (blocks up to canary.data.job-timeout), then verifies. */
  @PostMapping(value = "/verifications", params = "data=true")
  DataVerification verifyWithData() {
    cluster.get();
    List<DataIntegrity.ClaimView> claims = data.checkNow();
    SnapshotFreshness.Report report = snapshots.refresh();
    return new DataVerification(verifications.verifyNow(), claims, report);
  }
}
