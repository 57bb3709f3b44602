package io.stagingcanary.sandbox;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.stagingcanary.fixtures.KindSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The discovery documents a real API server serves ({@code /api}, {@code /apis}, {@code /api/v1},
 * {@code /apis/<group>/<version>}, {@code /version}), built from the kinds the sandbox knows, so
 * that a stock kubectl can find its way around.
 */
final class ApiDiscovery {

  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  private static final Map<String, List<String>> SHORT_NAMES =
      Map.of(
          "namespaces", List.of("ns"),
          "persistentvolumeclaims", List.of("pvc"),
          "configmaps", List.of("cm"),
          "serviceaccounts", List.of("sa"),
          "services", List.of("svc"),
          "deployments", List.of("deploy"),
          "deploymentconfigs", List.of("dc"),
          "buildconfigs", List.of("bc"),
          "imagestreams", List.of("is"));

  /** Kinds every sandbox serves, whatever the fixtures contain. */
  static final List<KindSpec> BUILT_IN =
      List.of(
          new KindSpec("v1", "Namespace", "namespaces", false),
          new KindSpec("v1", "ServiceAccount", "serviceaccounts", true),
          new KindSpec("v1", "ConfigMap", "configmaps", true),
          new KindSpec("v1", "Secret", "secrets", true),
          new KindSpec("v1", "PersistentVolumeClaim", "persistentvolumeclaims", true),
          new KindSpec("v1", "PersistentVolume", "persistentvolumes", false),
          new KindSpec("v1", "Service", "services", true),
          new KindSpec("v1", "Pod", "pods", true),
          new KindSpec("apps/v1", "Deployment", "deployments", true),
          new KindSpec("apps/v1", "ReplicaSet", "replicasets", true),
          new KindSpec("batch/v1", "Job", "jobs", true),
          new KindSpec("batch/v1", "CronJob", "cronjobs", true),
          new KindSpec("rbac.authorization.k8s.io/v1", "Role", "roles", true),
          new KindSpec("rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", true),
          new KindSpec("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", false),
          new KindSpec(
              "rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", false),
          new KindSpec("coordination.k8s.io/v1", "Lease", "leases", true));

  private final Map<String, List<KindSpec>> byGroupVersion = new TreeMap<>();
  private final String gitVersion;

  ApiDiscovery(Collection<KindSpec> extraKinds, String gitVersion) {
    this.gitVersion = gitVersion;
    List<KindSpec> all = new ArrayList<>(BUILT_IN);
    all.addAll(extraKinds);
    for (KindSpec kind : all) {
      List<KindSpec> kinds =
          byGroupVersion.computeIfAbsent(kind.apiVersion(), k -> new ArrayList<>());
      if (kinds.stream().noneMatch(k -> k.plural().equals(kind.plural()))) {
        kinds.add(kind);
      }
    }
  }

  /** All namespaced kinds: what the namespace controller empties when a namespace goes. */
  List<KindSpec> namespacedKinds() {
    return byGroupVersion.values().stream()
        .flatMap(List::stream)
        .filter(KindSpec::namespaced)
        .toList();
  }

  /** The discovery document for a request path, if it is a discovery path. */
  Optional<String> document(String path) {
    if (path.equals("/version")) {
      return Optional.of(json(version()));
    }
    if (path.equals("/api")) {
      return Optional.of(json(Map.of("kind", "APIVersions", "versions", List.of("v1"))));
    }
    if (path.equals("/apis")) {
      return Optional.of(json(groupList()));
    }
    if (path.equals("/api/v1")) {
      return Optional.of(json(resourceList("v1")));
    }
    if (path.equals("/openapi/v3")) {
      return Optional.of(json(openApiRoot()));
    }
    if (path.startsWith("/openapi/v3/")) {
      String groupVersion = path.substring("/openapi/v3/".length()).replaceFirst("^apis/", "");
      groupVersion = groupVersion.equals("api/v1") ? "v1" : groupVersion;
      if (byGroupVersion.containsKey(groupVersion)) {
        return Optional.of(json(openApiDocument(groupVersion)));
      }
    }
    if (path.startsWith("/apis/")) {
      String groupVersion = path.substring("/apis/".length());
      if (groupVersion.chars().filter(c -> c == '/').count() == 1
          && byGroupVersion.containsKey(groupVersion)) {
        return Optional.of(json(resourceList(groupVersion)));
      }
    }
    return Optional.empty();
  }

  private Map<String, Object> version() {
    String[] parts = gitVersion.replaceFirst("^v", "").split("\\.");
    Map<String, Object> version = new LinkedHashMap<>();
    version.put("major", parts[0]);
    version.put("minor", parts.length > 1 ? parts[1] : "0");
    version.put("gitVersion", gitVersion);
    version.put("gitCommit", "sandbox");
    version.put("gitTreeState", "clean");
    version.put("buildDate", "2026-01-01T00:00:00Z");
    version.put("goVersion", "n/a");
    version.put("compiler", "n/a");
    version.put("platform", "java/sandbox");
    return version;
  }

  private Map<String, Object> groupList() {
    Map<String, List<String>> versionsByGroup = new TreeMap<>();
    for (String groupVersion : byGroupVersion.keySet()) {
      int slash = groupVersion.indexOf('/');
      if (slash > 0) {
        versionsByGroup
            .computeIfAbsent(groupVersion.substring(0, slash), g -> new ArrayList<>())
            .add(groupVersion.substring(slash + 1));
      }
    }
    List<Map<String, Object>> groups = new ArrayList<>();
    versionsByGroup.forEach(
        (group, versions) -> {
          List<Map<String, Object>> entries =
              versions.stream()
                  .map(v -> Map.<String, Object>of("groupVersion", group + "/" + v, "version", v))
                  .toList();
          groups.add(
              Map.of("name", group, "versions", entries, "preferredVersion", entries.get(0)));
        });
    return Map.of("kind", "APIGroupList", "apiVersion", "v1", "groups", groups);
  }

  private Map<String, Object> resourceList(String groupVersion) {
    List<Map<String, Object>> resources = new ArrayList<>();
    for (KindSpec kind : byGroupVersion.getOrDefault(groupVersion, List.of())) {
      Map<String, Object> resource = new LinkedHashMap<>();
      resource.put("name", kind.plural());
      resource.put("singularName", kind.kind().toLowerCase());
      resource.put("namespaced", kind.namespaced());
      resource.put("kind", kind.kind());
      resource.put("verbs", VERBS);
      resource.put("shortNames", SHORT_NAMES.getOrDefault(kind.plural(), List.of()));
      resources.add(resource);
    }
    return Map.of(
        "kind",
        "APIResourceList",
        "apiVersion",
        "v1",
        "groupVersion",
        groupVersion,
        "resources",
        resources);
  }

  /**
   * The OpenAPI v3 index: one document per group-version. kubectl reads it to learn that the server
   * validates fields itself ({@code fieldValidation}), and then validates nothing client-side; the
   * sandbox accepts the parameter and checks nothing.
   */
  private Map<String, Object> openApiRoot() {
    Map<String, Object> paths = new TreeMap<>();
    for (String groupVersion : byGroupVersion.keySet()) {
      String key = apiPrefix(groupVersion).substring(1);
      paths.put(
          key,
          Map.of("serverRelativeURL", "/openapi/v3/" + key + "?hash=" + gitVersion + "-" + key));
    }
    return Map.of("paths", paths);
  }

  /** One PATCH operation per kind: its group-version-kind and the fieldValidation parameter. */
  private Map<String, Object> openApiDocument(String groupVersion) {
    Map<String, Object> paths = new TreeMap<>();
    for (KindSpec kind : byGroupVersion.get(groupVersion)) {
      String path =
          apiPrefix(groupVersion)
              + (kind.namespaced() ? "/namespaces/{namespace}/" : "/")
              + kind.plural()
              + "/{name}";
      Map<String, Object> patch = new LinkedHashMap<>();
      patch.put("operationId", "patch" + kind.kind());
      patch.put(
          "parameters",
          List.of(
              Map.of(
                  "name", "fieldValidation", "in", "query", "schema", Map.of("type", "string"))));
      patch.put("responses", Map.of("200", Map.of("description", "OK")));
      patch.put(
          "x-kubernetes-group-version-kind",
          Map.of("group", kind.group(), "version", kind.version(), "kind", kind.kind()));
      paths.put(path, Map.of("patch", patch));
    }
    return Map.of(
        "openapi",
        "3.0.0",
        "info",
        Map.of("title", "Kubernetes (sandbox)", "version", gitVersion),
        "paths",
        paths);
  }

  private static String apiPrefix(String groupVersion) {
    return groupVersion.contains("/") ? "/apis/" + groupVersion : "/api/" + groupVersion;
  }

  private static String json(Object document) {
    return Serialization.asJson(document);
  }
}
