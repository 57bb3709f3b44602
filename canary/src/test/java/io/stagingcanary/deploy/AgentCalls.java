package io.stagingcanary.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every Kubernetes API call the agent makes, as (apiGroup, resource, verb), and why: the one table
 * the deployed RBAC is checked against. {@code DeployedRbacIT} fails when the ClusterRole or the
 * leader-election Role grants anything not here, when something here is not granted, and when a
 * real agent run (API server audit log) makes a call that is not here. docs/deploy.md shows it.
 */
final class AgentCalls {

  /** Where a grant lives: the ClusterRole, or the Role in the agent's own namespace. */
  enum Scope {
    CLUSTER,
    OWN_NAMESPACE
  }

  /** Which manifests grant it: the base, or the openshift overlay on top. */
  enum Overlay {
    BASE,
    OPENSHIFT
  }

  /** One granted call; {@code resourceName} null for any name. */
  record Call(
      String apiGroup,
      String resource,
      String verb,
      String resourceName,
      Scope scope,
      Overlay overlay,
      String why) {

    String id() {
      return (apiGroup.isEmpty() ? "core" : apiGroup)
          + "/"
          + resource
          + (resourceName == null ? "" : "[" + resourceName + "]")
          + ":"
          + verb;
    }
  }

  /** Observe a sentinel kind and write it through the guarded path. */
  static final List<String> SENTINEL_VERBS =
      List.of("get", "list", "watch", "create", "update", "delete");

  static final List<Call> ALL = build();

  private AgentCalls() {}

  private static List<Call> build() {
    List<Call> calls = new ArrayList<>();
    sentinel(
        calls,
        Overlay.BASE,
        "",
        List.of("namespaces"),
        "sentinel Namespaces; get kube-system identifies the cluster");
    sentinel(
        calls,
        Overlay.BASE,
        "",
        List.of("serviceaccounts", "configmaps", "secrets", "persistentvolumeclaims"),
        "sentinel kinds of the staging set");
    sentinel(
        calls,
        Overlay.BASE,
        "apps",
        List.of("deployments"),
        "sentinel Deployments; the CI gate lists and watches ops-tool Deployments");
    sentinel(
        calls,
        Overlay.BASE,
        "rbac.authorization.k8s.io",
        List.of("rolebindings", "clusterroles"),
        "sentinel RoleBindings and tenant-user ClusterRoles");
    add(
        calls,
        "rbac.authorization.k8s.io",
        "clusterroles",
        List.of("bind"),
        "admin",
        Scope.CLUSTER,
        Overlay.BASE,
        "sentinel RoleBindings grant their tenant the admin ClusterRole (escalation check)");
    add(
        calls,
        "",
        "pods",
        List.of("get", "list"),
        null,
        Scope.CLUSTER,
        Overlay.BASE,
        "data integrity: termination messages of checker Job pods");
    add(
        calls,
        "batch",
        "jobs",
        List.of("get", "list", "watch", "create", "patch", "delete"),
        null,
        Scope.CLUSTER,
        Overlay.BASE,
        "CI gate: annotate ops-tool Jobs; data integrity: writer/checker Jobs");
    add(
        calls,
        "batch",
        "cronjobs",
        List.of("list", "watch"),
        null,
        Scope.CLUSTER,
        Overlay.BASE,
        "CI gate: scheduled ops-tool runs");
    add(
        calls,
        "snapshot.storage.k8s.io",
        "volumesnapshots",
        List.of("list"),
        null,
        Scope.CLUSTER,
        Overlay.BASE,
        "data integrity: age of the newest PVC snapshot");
    add(
        calls,
        "coordination.k8s.io",
        "leases",
        List.of("get", "create", "patch"),
        null,
        Scope.OWN_NAMESPACE,
        Overlay.BASE,
        "leader election (canary.leader-election.*)");
    sentinel(
        calls,
        Overlay.OPENSHIFT,
        "user.openshift.io",
        List.of("users", "identities", "groups"),
        "sentinel Users, Identities, Groups");
    sentinel(
        calls, Overlay.OPENSHIFT, "project.openshift.io", List.of("projects"), "sentinel Projects");
    sentinel(
        calls,
        Overlay.OPENSHIFT,
        "apps.openshift.io",
        List.of("deploymentconfigs"),
        "sentinel DeploymentConfigs");
    sentinel(
        calls,
        Overlay.OPENSHIFT,
        "build.openshift.io",
        List.of("buildconfigs"),
        "sentinel BuildConfigs");
    sentinel(
        calls,
        Overlay.OPENSHIFT,
        "image.openshift.io",
        List.of("imagestreams"),
        "sentinel ImageStreams");
    sentinel(calls, Overlay.OPENSHIFT, "route.openshift.io", List.of("routes"), "sentinel Routes");
    return List.copyOf(calls);
  }

  private static void sentinel(
      List<Call> calls, Overlay overlay, String group, List<String> resources, String why) {
    for (String resource : resources) {
      add(calls, group, resource, SENTINEL_VERBS, null, Scope.CLUSTER, overlay, why);
    }
  }

  private static void add(
      List<Call> calls,
      String group,
      String resource,
      List<String> verbs,
      String resourceName,
      Scope scope,
      Overlay overlay,
      String why) {
    for (String verb : verbs) {
      calls.add(new Call(group, resource, verb, resourceName, scope, overlay, why));
    }
  }

  /** The calls granted in a scope by the base (and, with {@code openshift}, the overlay). */
  static Set<String> ids(Scope scope, boolean openshift) {
    return ALL.stream()
        .filter(c -> c.scope() == scope)
        .filter(c -> openshift || c.overlay() == Overlay.BASE)
        .map(Call::id)
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  /** Whether (group, resource, verb) is allowed for any name by some row of the table. */
  static boolean allows(String apiGroup, String resource, String verb, String name) {
    return ALL.stream()
        .anyMatch(
            c ->
                c.apiGroup().equals(apiGroup)
                    && c.resource().equals(resource)
                    && c.verb().equals(verb)
                    && (c.resourceName() == null || c.resourceName().equals(name)));
  }
}
