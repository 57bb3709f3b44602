package io.stagingcanary.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every {@code canary.*} setting. Invalid values stop startup with a message naming the property;
 * see docs/configuration.md for the table.
 */
@Validated
@ConfigurationProperties("canary")
public record CanaryProperties(
    @NotBlank
        @Pattern(regexp = "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?")
        @DefaultValue("staging")
        String clusterName,
    String clusterId,
    @NotNull @DefaultValue("./data") Path dataDir,
    @Valid @NotNull @DefaultValue Fixtures fixtures,
    @Valid @NotNull @DefaultValue Api api,
    @Valid @NotNull @DefaultValue Sandbox sandbox,
    @Valid @NotNull @DefaultValue Verification verification,
    @Valid @NotNull @DefaultValue Incidents incidents,
    @Valid @NotNull @DefaultValue Reseed reseed,
    @NotBlank
        @Pattern(
            regexp = "https?://[^\\s?#]+",
            message = "must be an http(s) URL without query or fragment")
        @DefaultValue("http://localhost:8080")
        String publicUrl) {

  /** Periodic authoritative verification: one paginated LIST per kind. */
  public record Verification(
      @NotNull @DefaultValue("60s") Duration interval,
      @Min(1) @Max(10000) @DefaultValue("500") int pageSize) {

    @AssertTrue(message = "canary.verification.interval must be at least 1s")
    public boolean isIntervalValid() {
      return interval == null || interval.compareTo(Duration.ofSeconds(1)) >= 0;
    }
  }

  /** How changes are grouped into incidents. */
  public record Incidents(
      @NotNull @DefaultValue("5s") Duration groupWindow,
      @DefaultValue("true") boolean reportEnvironmentReset) {

    /** The longest grouping window allowed. */
    public static final Duration MAX_GROUP_WINDOW = Duration.ofSeconds(30);

    @AssertTrue(message = "canary.incidents.group-window must be between 0s and 30s")
    public boolean isGroupWindowValid() {
      return groupWindow == null
          || (!groupWindow.isNegative() && groupWindow.compareTo(MAX_GROUP_WINDOW) <= 0);
    }
  }

  /** When lost sentinels are re-created: only ever after their loss is stored as an incident. */
  public record Reseed(@NotNull @DefaultValue("after-incident") ReseedMode mode) {}

  /** Re-seeding policy. */
  public enum ReseedMode {
    /** Re-create lost sentinels as soon as their incident is sealed and stored. */
    AFTER_INCIDENT,
    /** Only on {@code POST /api/v1/incidents/{id}/reseed}. */
    MANUAL
  }

  /** Where sentinel sets come from and which of them to seed. */
  public record Fixtures(
      @NotNull @DefaultValue("fixtures") Path path,
      @NotEmpty @DefaultValue("sandbox") List<@NotBlank String> sets) {}

  /**
   * Access to the agent's HTTP API: the token file, whether reads of {@code /api/**} need a token,
   * and whether {@code /actuator/prometheus} does.
   */
  public record Api(
      Path tokenFile,
      @DefaultValue("false") boolean protectReads,
      @DefaultValue("false") boolean protectMetrics) {

    @ConstructorBinding
    public Api {}

    /** Without metrics protection (as before {@code protect-metrics} existed). */
    public Api(Path tokenFile, boolean protectReads) {
      this(tokenFile, protectReads, false);
    }
  }

  /** The in-process sandbox cluster (profile {@code sandbox} only). */
  public record Sandbox(
      @Min(0) @Max(65535) @DefaultValue("18443") int port,
      @NotBlank @DefaultValue("127.0.0.1") String host,
      Path kubeconfig) {

    /** The kubeconfig path, defaulting to {@code <data-dir>/kubeconfig}. */
    public Path kubeconfigOr(Path dataDir) {
      return kubeconfig != null ? kubeconfig : dataDir.resolve("kubeconfig");
    }
  }

  /** The agent's external base URL without a trailing slash, for links in alerts. */
  public String publicBase() {
    return publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
  }

  /** The configured cluster id, or null to derive it from the kube-system namespace uid. */
  public String clusterIdOrNull() {
    return clusterId == null || clusterId.isBlank() ? null : clusterId.trim();
  }
}
