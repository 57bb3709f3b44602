package io.stagingcanary.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
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
    @Valid @NotNull @DefaultValue Sandbox sandbox) {

  /** Where sentinel sets come from and which of them to seed. */
  public record Fixtures(
      @NotNull @DefaultValue("fixtures") Path path,
      @NotEmpty @DefaultValue("sandbox") List<@NotBlank String> sets) {}

  /** Access to the agent's HTTP API. */
  public record Api(Path tokenFile, @DefaultValue("false") boolean protectReads) {}

  /** The in-process sandbox cluster (profile {@code sandbox} only). */
  public record Sandbox(
      @Min(0) @Max(65535) @DefaultValue("18443") int port,
      @NotBlank @DefaultValue("127.0.0.1") String host,
      Path kubeconfig) {

    /** The kubeconfig path, defaulting to {@code <data-dir>/sandbox/kubeconfig}. */
    public Path kubeconfigOr(Path dataDir) {
      return kubeconfig != null ? kubeconfig : dataDir.resolve("sandbox").resolve("kubeconfig");
    }
  }

  /** The configured cluster id, or null to derive it from the kube-system namespace uid. */
  public String clusterIdOrNull() {
    return clusterId == null || clusterId.isBlank() ? null : clusterId.trim();
  }
}
