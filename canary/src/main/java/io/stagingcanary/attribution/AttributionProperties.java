package io.stagingcanary.attribution;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every {@code canary.attribution.*} setting (who changed a sentinel); see docs/attribution.md and
 * docs/configuration.md.
 *
 * @param retention how long records of requests are kept
 * @param maxRecords the most records kept; the oldest are dropped first
 * @param matchWindow how long before an incident opened a request may have been made to be matched
 * @param pendingFor how long after an incident is sealed a missing record is still waited for
 * @param controllerUsernames users whose deletions are cascades (namespace controller, garbage
 *     collector): their items are attributed to the namespace's or owner's deleter
 * @param admission the admission observer (a validating webhook that always allows)
 * @param audit the audit webhook receiver
 */
@Validated
@ConfigurationProperties("canary.attribution")
public record AttributionProperties(
    @NotNull @DefaultValue("24h") Duration retention,
    @Min(100) @Max(10_000_000) @DefaultValue("100000") int maxRecords,
    @NotNull @DefaultValue("10m") Duration matchWindow,
    @NotNull @DefaultValue("2m") Duration pendingFor,
    @NotNull
        @DefaultValue({
          "system:serviceaccount:kube-system:namespace-controller",
          "system:serviceaccount:kube-system:generic-garbage-collector",
          "system:kube-controller-manager"
        })
        List<String> controllerUsernames,
    @NotNull @Valid @DefaultValue Admission admission,
    @NotNull @Valid @DefaultValue Audit audit) {

  /** Whether any source of records is turned on. */
  public boolean anyObserver() {
    return admission.enabled() || audit.enabled();
  }

  /**
   * The admission observer: {@code POST /admission/v1/observe} on its own HTTPS port.
   *
   * @param enabled serve the endpoint
   * @param port the HTTPS port (the webhook Service targets it)
   * @param tls the serving certificate and the optional client CA
   */
  public record Admission(
      @DefaultValue("false") boolean enabled,
      @Min(1) @Max(65535) @DefaultValue("8443") int port,
      @NotNull @Valid @DefaultValue Tls tls) {

    @AssertTrue(
        message =
            "canary.attribution.admission.enabled=true needs canary.attribution.admission.tls"
                + ".certificate and .private-key (PEM files)")
    public boolean isTlsConfigured() {
      return !enabled || (tls != null && tls.certificate() != null && tls.privateKey() != null);
    }
  }

  /**
   * PEM files of the admission observer's HTTPS port.
   *
   * @param certificate the serving certificate (chain)
   * @param privateKey its private key (PKCS#8 or PKCS#1)
   * @param clientCa when set, only clients with a certificate signed by it (the API server) may
   *     call
   */
  public record Tls(Path certificate, Path privateKey, Path clientCa) {}

  /**
   * The audit webhook receiver: {@code POST /api/v1/audit/events} with an API token.
   *
   * @param enabled accept audit event batches
   */
  public record Audit(@DefaultValue("false") boolean enabled) {}
}
