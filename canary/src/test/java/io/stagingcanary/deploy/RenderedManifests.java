package io.stagingcanary.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stagingcanary.controlplane.ControlPlane;
import io.stagingcanary.controlplane.ExecResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** {@code deploy/} rendered by the control plane's {@code kubectl kustomize}, and applied. */
final class RenderedManifests {

  static final Path DEPLOY = Path.of("..", "deploy");
  static final String NAMESPACE = "staging-canary";
  static final String SERVICE_ACCOUNT = "staging-canary";
  static final List<String> OVERLAYS =
      List.of("postgres", "single-replica", "openshift", "prometheus-operator", "network-policy");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  final String name;
  final String yaml;
  final List<JsonNode> objects;

  private RenderedManifests(String name, String yaml, List<JsonNode> objects) {
    this.name = name;
    this.yaml = yaml;
    this.objects = objects;
  }

  /** {@code base} or an overlay name. */
  static RenderedManifests render(ControlPlane controlPlane, String name) {
    Path dir = name.equals("base") ? DEPLOY.resolve("base") : DEPLOY.resolve("overlays/" + name);
    ExecResult result = controlPlane.kubectl("kustomize", dir.toString());
    if (!result.succeeded()) {
      throw new AssertionError("kubectl kustomize " + dir + " failed: " + result);
    }
    List<JsonNode> objects = new ArrayList<>();
    try (var parser = YAML.createParser(result.stdout())) {
      for (JsonNode node : YAML.readValues(parser, JsonNode.class).readAll()) {
        if (node != null && !node.isNull() && !node.isEmpty()) {
          objects.add(node);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("kustomize output of " + dir + " is not YAML", e);
    }
    return new RenderedManifests(name, result.stdout(), objects);
  }

  List<JsonNode> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  JsonNode one(String kind) {
    List<JsonNode> found = ofKind(kind);
    if (found.size() != 1) {
      throw new AssertionError(name + ": expected one " + kind + ", found " + found.size());
    }
    return found.get(0);
  }

  Set<String> kinds() {
    Set<String> kinds = new TreeSet<>();
    objects.forEach(o -> kinds.add(o.path("kind").asText()));
    return kinds;
  }

  /** Server-side apply of everything rendered ({@code dryRun}: validated, admitted, not stored). */
  ExecResult apply(ControlPlane controlPlane, boolean dryRun) {
    try {
      Path file = Files.createTempFile("staging-canary-" + name, ".yaml");
      Files.writeString(file, yaml);
      List<String> args =
          new ArrayList<>(
              List.of(
                  "apply",
                  "--server-side",
                  "--force-conflicts",
                  "--field-manager=canary-deploy-tests",
                  "-f",
                  file.toString()));
      if (dryRun) {
        args.add("--dry-run=server");
      }
      ExecResult result = controlPlane.kubectl(args.toArray(String[]::new));
      Files.deleteIfExists(file);
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The base applied for real (idempotent): namespace, service account, RBAC, workload. */
  static RenderedManifests applyBase(ControlPlane controlPlane) {
    RenderedManifests base = render(controlPlane, "base");
    ExecResult applied = base.apply(controlPlane, false);
    if (!applied.succeeded()) {
      throw new AssertionError("applying deploy/base failed: " + applied);
    }
    return base;
  }
}
