package io.stagingcanary.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A small sentinel set written to a temporary fixtures tree, with a unique name, so that agents of
 * several integration tests can share one control plane: per tenant a namespace {@code
 * <set>-<tenant>} holding the named ConfigMaps and one Secret.
 */
final class DetectionFixtures {

  final Path root;
  final String set;
  private final Map<String, List<String>> tenants;

  private DetectionFixtures(Path root, String set, Map<String, List<String>> tenants) {
    this.root = root;
    this.set = set;
    this.tenants = tenants;
  }

  /** Writes the tree under {@code directory/fixtures}; tenant → names of its ConfigMaps. */
  static DetectionFixtures write(Path directory, String prefix, Map<String, List<String>> tenants) {
    String set = prefix + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    DetectionFixtures fixtures =
        new DetectionFixtures(directory.resolve("fixtures"), set, new LinkedHashMap<>(tenants));
    fixtures.file(
        set + "/set.yaml",
        """
        name: %s
        description: Sentinels of a detection integration test.
        kinds:
          - {apiVersion: v1, kind: Namespace}
          - {apiVersion: v1, kind: ConfigMap}
          - {apiVersion: v1, kind: Secret}
        """
            .formatted(set));
    tenants.forEach(
        (tenant, configMaps) -> {
          String ns = fixtures.namespace(tenant);
          fixtures.file(set + "/" + tenant + "/tenant.yaml", "labels:\n  tier: test\n");
          fixtures.file(
              set + "/" + tenant + "/namespaces.yaml",
              "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n");
          StringBuilder config = new StringBuilder();
          for (String name : configMaps) {
            config.append(
                """
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: %s
                  namespace: %s
                data:
                  tenant: %s
                """
                    .formatted(name, ns, tenant));
          }
          config.append(
              """
              ---
              apiVersion: v1
              kind: Secret
              metadata:
                name: credentials
                namespace: %s
              data:
                token: bm90LWEtcmVhbC10b2tlbg==
              """
                  .formatted(ns));
          fixtures.file(set + "/" + tenant + "/config.yaml", config.toString());
        });
    return fixtures;
  }

  java.util.Set<String> tenants() {
    return tenants.keySet();
  }

  String namespace(String tenant) {
    return set + "-" + tenant;
  }

  /** Sentinels of a tenant: its namespace, ConfigMaps and Secret. */
  int sentinels(String tenant) {
    return tenants.get(tenant).size() + 2;
  }

  int sentinels() {
    return tenants.keySet().stream().mapToInt(this::sentinels).sum();
  }

  private void file(String relative, String content) {
    try {
      Path file = root.resolve(relative);
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
