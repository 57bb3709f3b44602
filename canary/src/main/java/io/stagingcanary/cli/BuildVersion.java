package io.stagingcanary.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.util.Properties;

/**
 * The version the jar was built as: {@code META-INF/build-info.properties} (written by the Spring
 * Boot plugin's {@code build-info} goal) and, when the build had a git checkout, {@code
 * git.properties} (written by the git-commit-id plugin; {@code -dirty} when the checkout had
 * uncommitted changes).
 */
record BuildVersion(String version, String commit, String time) {

  static final String UNKNOWN = "unknown";

  private static final String BUILD_INFO = "META-INF/build-info.properties";

  /**
   * Reads both files from where {@code loader} finds the build info (the jar's own classes). {@code
   * git.properties} is read beside it (or, in the packaged jar, under {@code BOOT-INF/classes/}),
   * never searched for: a missing one would otherwise be looked for in every nested jar, which
   * takes longer than the rest of {@code --version}.
   */
  static BuildVersion of(ClassLoader loader) {
    URL buildInfo = loader == null ? null : loader.getResource(BUILD_INFO);
    Properties build = load(buildInfo);
    Properties git = load(beside(buildInfo, "git.properties"));
    if (git.isEmpty()) {
      // The packaged jar keeps build-info at its root and git.properties with the classes.
      git = load(beside(buildInfo, "BOOT-INF/classes/git.properties"));
    }
    String commit = git.getProperty("git.commit.id.abbrev");
    if (commit != null && Boolean.parseBoolean(git.getProperty("git.dirty"))) {
      commit += "-dirty";
    }
    return new BuildVersion(
        build.getProperty("build.version", UNKNOWN), commit, build.getProperty("build.time"));
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

  private static URL beside(URL buildInfo, String name) {
    if (buildInfo == null || !buildInfo.toString().endsWith(BUILD_INFO)) {
      return null;
    }
    String root = buildInfo.toString();
    try {
      return new URL(root.substring(0, root.length() - BUILD_INFO.length()) + name);
    } catch (MalformedURLException e) {
      return null;
    }
  }

  private static Properties load(URL resource) {
    Properties properties = new Properties();
    if (resource == null) {
      return properties;
    }
    try (InputStream in = resource.openStream()) {
      properties.load(in);
    } catch (IOException e) {
      // Not there (no git checkout at build time) or unreadable: the line leaves it out.
    }
    return properties;
  }
}
