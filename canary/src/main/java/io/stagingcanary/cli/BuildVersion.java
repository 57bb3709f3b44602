package io.stagingcanary.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version the jar was built as: {@code META-INF/build-info.properties} (written by the Spring
 * Boot plugin's {@code build-info} goal) and, when the build had a git checkout, {@code
 * git.properties}.
 */
record BuildVersion(String version, String commit, String time) {

  static final String UNKNOWN = "unknown";

  /** Reads both files through the class loader of {@code anchor} (the jar's own classes). */
  static BuildVersion of(Class<?> anchor) {
    Properties build = load(anchor, "META-INF/build-info.properties");
    Properties git = load(anchor, "git.properties");
    return new BuildVersion(
        build.getProperty("build.version", UNKNOWN),
        git.getProperty("git.commit.id.abbrev", git.getProperty("git.commit.id")),
        build.getProperty("build.time"));
  }

  /** One line, e.g. {@code staging-canary 0.1.0 (commit 1e15273, built 2026-12-03T07:10:02Z)}. */
  String line() {
    StringBuilder line = new StringBuilder("staging-canary ").append(version);
    if (commit != null || time != null) {
      line.append(" (");
      if (commit != null) {
        line.append("commit ").append(commit);
      }
      if (time != null) {
        line.append(commit != null ? ", " : "").append("built ").append(time);
      }
      line.append(')');
    }
    return line.toString();
  }

  private static Properties load(Class<?> anchor, String resource) {
    Properties properties = new Properties();
    ClassLoader loader = anchor.getClassLoader();
    try (InputStream in = loader == null ? null : loader.getResourceAsStream(resource)) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      // An unreadable file means an unknown version, which the line says.
    }
    return properties;
  }
}
