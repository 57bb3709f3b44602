package io.stagingcanary.leader;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Leader election through a {@code coordination.k8s.io} Lease ({@code canary.leader-election.*}).
 * Off by default: one replica, which always leads. The timings follow client-go's rules: the lease
 * outlives the renew deadline, which outlives a retry period with jitter.
 */
@Validated
@ConfigurationProperties("canary.leader-election")
public record LeaderElectionProperties(
    @DefaultValue("false") boolean enabled,
    @NotBlank
        @Pattern(
            regexp = "[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?",
            message = "must be a DNS-1123 subdomain (a Lease name)")
        @DefaultValue("staging-canary-leader")
        String leaseName,
    String leaseNamespace,
    @NotNull @DefaultValue("15s") Duration leaseDuration,
    @NotNull @DefaultValue("10s") Duration renewDeadline,
    @NotNull @DefaultValue("2s") Duration retryPeriod,
    String identity) {

  /** fabric8's (and client-go's) jitter on the retry period. */
  static final double JITTER_FACTOR = 1.2;

  @jakarta.validation.constraints.AssertTrue(
      message = "canary.leader-election.retry-period must be at least 100ms")
  public boolean isRetryPeriodValid() {
    return retryPeriod == null || retryPeriod.compareTo(Duration.ofMillis(100)) >= 0;
  }

  @jakarta.validation.constraints.AssertTrue(
      message =
          "canary.leader-election.renew-deadline must be longer than 1.2 x"
              + " canary.leader-election.retry-period")
  public boolean isRenewDeadlineValid() {
    return renewDeadline == null
        || retryPeriod == null
        || renewDeadline.toMillis() > JITTER_FACTOR * retryPeriod.toMillis();
  }

  @jakarta.validation.constraints.AssertTrue(
      message =
          "canary.leader-election.lease-duration must be longer than"
              + " canary.leader-election.renew-deadline")
  public boolean isLeaseDurationValid() {
    return leaseDuration == null
        || renewDeadline == null
        || leaseDuration.compareTo(renewDeadline) > 0;
  }

  @jakarta.validation.constraints.AssertTrue(
      message = "canary.leader-election.lease-namespace must be a DNS-1123 label when set")
  public boolean isLeaseNamespaceValid() {
    return leaseNamespace == null
        || leaseNamespace.isBlank()
        || leaseNamespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  }

  /**
   * This replica's identity: {@code canary.leader-election.identity}, else {@code POD_NAME}, else
   * {@code HOSTNAME} (the pod name in Kubernetes), else {@code fallback}.
   */
  String identityOr(Map<String, String> environment, String fallback) {
    for (String candidate :
        new String[] {identity, environment.get("POD_NAME"), environment.get("HOSTNAME")}) {
      if (candidate != null && !candidate.isBlank()) {
        return candidate.trim();
      }
    }
    return fallback;
  }

  /** The Lease's namespace: the configured one, else the client's (the pod's) namespace. */
  String leaseNamespaceOr(String clientNamespace) {
    if (leaseNamespace != null && !leaseNamespace.isBlank()) {
      return leaseNamespace.trim();
    }
    return clientNamespace == null || clientNamespace.isBlank() ? "default" : clientNamespace;
  }
}
