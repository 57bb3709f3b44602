package io.stagingcanary.sandbox;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.api.FallbackTokenSource;
import io.stagingcanary.cluster.ClusterIdOverride;
import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.fixtures.FixtureCatalog;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.seeding.SeedingCompleted;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;

/** Profile {@code sandbox}: the agent runs against an in-process API server it starts itself. */
@Configuration(proxyBeanMethods = false)
@Profile("sandbox")
class SandboxConfiguration {

  private static final Logger log = LoggerFactory.getLogger(SandboxConfiguration.class);

  @Bean(destroyMethod = "close")
  SandboxCluster sandboxCluster(CanaryProperties properties, FixtureCatalog fixtures) {
    List<KindSpec> kinds = fixtures.sets().stream().flatMap(set -> set.kinds().stream()).toList();
    SandboxCluster sandbox =
        SandboxCluster.start(properties.sandbox().host(), properties.sandbox().port(), kinds);
    sandbox.writeKubeconfig(properties.sandbox().kubeconfigOr(properties.dataDir()));
    return sandbox;
  }

  @Bean(destroyMethod = "close")
  KubernetesClient kubernetesClient(SandboxCluster sandbox) {
    return sandbox.newClient();
  }

  @Bean
  ClusterIdOverride sandboxClusterId(SandboxCluster sandbox) {
    return sandbox::clusterId;
  }

  @Bean
  FallbackTokenSource sandboxApiToken(CanaryProperties properties) {
    Path file =
        properties
            .sandbox()
            .kubeconfigOr(properties.dataDir())
            .toAbsolutePath()
            .resolveSibling("api-token");
    return () -> Optional.of(writeRandomToken(file));
  }

  @Bean
  SandboxAnnouncer sandboxAnnouncer(CanaryProperties properties, SandboxCluster sandbox) {
    return new SandboxAnnouncer(properties, sandbox);
  }

  /** Logs the one line a newcomer looks for once the sandbox is seeded. */
  static final class SandboxAnnouncer {
    private final CanaryProperties properties;
    private final SandboxCluster sandbox;

    SandboxAnnouncer(CanaryProperties properties, SandboxCluster sandbox) {
      this.properties = properties;
      this.sandbox = sandbox;
    }

    @EventListener
    void onSeeded(SeedingCompleted completed) {
      Path kubeconfig =
          properties.sandbox().kubeconfigOr(properties.dataDir()).toAbsolutePath().normalize();
      log.info(
          "Sandbox cluster ready: server {} kubeconfig {} api-token {} ({} sentinels seeded)."
              + " Try: kubectl --kubeconfig {} get ns -l stagingcanary.io/sentinel=true",
          sandbox.url(),
          kubeconfig,
          kubeconfig.resolveSibling("api-token"),
          completed.report().outcomes().size(),
          kubeconfig);
    }
  }

  private static Path writeRandomToken(Path file) {
    try {
      if (Files.isRegularFile(file) && !Files.readString(file).isBlank()) {
        return file;
      }
      byte[] bytes = new byte[24];
      new SecureRandom().nextBytes(bytes);
      Files.createDirectories(file.getParent());
      Files.writeString(file, HexFormat.of().formatHex(bytes) + "\n");
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: the file keeps the default permissions.
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the sandbox API token to " + file, e);
    }
  }
}
