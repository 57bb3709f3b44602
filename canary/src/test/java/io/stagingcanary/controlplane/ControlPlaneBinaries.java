package io.stagingcanary.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the control-plane binaries built by {@code canary/src/test/control-plane/build.sh}.
 *
 * <p>Lookup order: environment variable {@value #BIN_ENV}, system property {@value #BIN_PROPERTY},
 * else {@code ${STAGING_CANARY_CACHE:-~/.cache/staging-canary}/control-plane/
 * <KUBERNETES_VERSION>/bin} with the version from {@code versions.env}.
 */
public record ControlPlaneBinaries(Path directory, Map<String, String> versions) {

  public static final String BIN_ENV = "CANARY_CONTROL_PLANE_BIN";
  public static final String BIN_PROPERTY = "canary.control-plane.bin";
  public static final String CACHE_ENV = "STAGING_CANARY_CACHE";
  public static final String BUILD_COMMAND = "bash canary/src/test/control-plane/build.sh";
  static final String VERSIONS_FILE = "src/test/control-plane/versions.env";

  public static final List<String> NAMES =
      List.of("etcd", "etcdctl", "kube-apiserver", "kube-controller-manager", "kubectl");

  public static ControlPlaneBinaries locate() {
    Map<String, String> versions = readVersions(versionsFile());
    String explicit = System.getenv(BIN_ENV);
    if (explicit == null || explicit.isBlank()) {
      explicit = System.getProperty(BIN_PROPERTY);
    }
    Path directory;
    if (explicit != null && !explicit.isBlank()) {
      directory = Path.of(explicit);
    } else {
      String cache = System.getenv(CACHE_ENV);
      Path cacheRoot =
          cache == null || cache.isBlank()
              ? Path.of(System.getProperty("user.home"), ".cache", "staging-canary")
              : Path.of(cache);
      directory =
          cacheRoot.resolve("control-plane").resolve(kubernetesVersion(versions)).resolve("bin");
    }
    return new ControlPlaneBinaries(directory.toAbsolutePath().normalize(), versions);
  }

  public String kubernetesVersion() {
    return kubernetesVersion(versions);
  }

  public String etcdVersion() {
    return require(versions, "ETCD_VERSION");
  }

  public Path path(String name) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("unknown control-plane binary " + name);
    }
    return directory.resolve(name);
  }

  public List<String> missing() {
    List<String> missing = new ArrayList<>();
    for (String name : NAMES) {
      Path binary = directory.resolve(name);
      if (!Files.isRegularFile(binary) || !Files.isExecutable(binary)) {
        missing.add(name);
      }
    }
    return missing;
  }

  /** One line telling why the control-plane tests are skipped and how to fix it. */
  public String missingMessage() {
    return "Kubernetes control-plane binaries "
        + missing()
        + " (kubernetes "
        + kubernetesVersion()
        + ") not found in "
        + directory
        + "; build them with: "
        + BUILD_COMMAND;
  }

  /** The module directory ({@code canary/}) that the tests run in. */
  static Path moduleDirectory() {
    String basedir = System.getProperty("basedir");
    Path start = Path.of(basedir != null ? basedir : System.getProperty("user.dir"));
    if (Files.isRegularFile(start.resolve(VERSIONS_FILE))) {
      return start.toAbsolutePath();
    }
    if (Files.isRegularFile(start.resolve("canary").resolve(VERSIONS_FILE))) {
      return start.resolve("canary").toAbsolutePath();
    }
    throw new IllegalStateException(
        "cannot find " + VERSIONS_FILE + " from " + start.toAbsolutePath());
  }

  static Path versionsFile() {
    return moduleDirectory().resolve(VERSIONS_FILE);
  }

  static Map<String, String> readVersions(Path file) {
    Map<String, String> values = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(file)) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        int equals = trimmed.indexOf('=');
        if (equals <= 0) {
          throw new IllegalStateException("malformed line in " + file + ": " + line);
        }
        values.put(trimmed.substring(0, equals).strip(), trimmed.substring(equals + 1).strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return Map.copyOf(values);
  }

  private static String kubernetesVersion(Map<String, String> versions) {
    return require(versions, "KUBERNETES_VERSION");
  }

  private static String require(Map<String, String> versions, String key) {
    String value = versions.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(key + " is not set in " + VERSIONS_FILE);
    }
    return value;
  }
}
