package io.stagingcanary.runs;

import io.stagingcanary.rules.PolicyException;
import io.stagingcanary.rules.PolicyReader;
import io.stagingcanary.rules.ToolPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads every {@code <tool>.yaml} of a policies folder; the first bad file names file and field.
 */
final class PolicyFiles {

  private PolicyFiles() {}

  /** The loaded policies by tool and a fingerprint of the folder's contents. */
  record Loaded(Map<String, ToolPolicy> policies, String fingerprint) {}

  static Loaded load(Path folder) {
    Map<String, ToolPolicy> policies = new TreeMap<>();
    MessageDigest digest = sha256();
    for (Path file : files(folder)) {
      String name = display(folder, file);
      String tool = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
      if (!tool.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
        throw new PolicyFileException(
            name, null, "the file name must be <tool>.yaml with a DNS-1123 label as tool name");
      }
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new PolicyFileException(name, null, "cannot read: " + e.getMessage());
      }
      digest.update(name.getBytes(StandardCharsets.UTF_8));
      digest.update(bytes);
      Object document;
      try {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        document =
            new Yaml(new SafeConstructor(options)).load(new String(bytes, StandardCharsets.UTF_8));
      } catch (YAMLException e) {
        throw new PolicyFileException(
            name, null, "not valid YAML: " + e.getMessage().replace('\n', ' '));
      }
      try {
        if (policies.put(tool, PolicyReader.read(tool, document)) != null) {
          throw new PolicyFileException(name, null, "a second policy for tool " + tool);
        }
      } catch (PolicyException e) {
        throw new PolicyFileException(
            name, e.field(), e.getMessage().substring(e.field().length() + 8));
      }
    }
    return new Loaded(policies, HexFormat.of().formatHex(digest.digest()));
  }

  /** A cheap fingerprint of the folder (names, sizes, modification times) to notice changes. */
  static String stamp(Path folder) {
    StringBuilder stamp = new StringBuilder();
    for (Path file : files(folder)) {
      try {
        stamp
            .append(file.getFileName())
            .append(':')
            .append(Files.size(file))
            .append(':')
            .append(Files.getLastModifiedTime(file).toMillis())
            .append(';');
      } catch (IOException e) {
        stamp.append(file.getFileName()).append(":unreadable;");
      }
    }
    return stamp.toString();
  }

  private static List<Path> files(Path folder) {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(folder)) {
      return entries
          .filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().startsWith("."))
          .filter(f -> f.getFileName().toString().matches(".*\\.ya?ml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new PolicyFileException(folder.toString(), null, "cannot list: " + e.getMessage());
    }
  }

  /** The file as configured (e.g. {@code fixtures/policies/cleanup.yaml}). */
  private static String display(Path folder, Path file) {
    return folder.resolve(file.getFileName()).toString().replace('\\', '/');
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
