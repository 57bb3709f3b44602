package io.stagingcanary.diff;

import java.util.Comparator;
import java.util.Objects;

/**
 * Identity of one Kubernetes object: apiVersion, kind, namespace (null for cluster-scoped kinds)
 * and name. The same identity is used by fixtures, the ledger, snapshots and diffs.
 */
public record ResourceKey(String apiVersion, String kind, String namespace, String name)
    implements Comparable<ResourceKey> {

  private static final Comparator<ResourceKey> ORDER =
      Comparator.comparing(ResourceKey::kind)
          .thenComparing(k -> k.namespace() == null ? "" : k.namespace())
          .thenComparing(ResourceKey::name)
          .thenComparing(ResourceKey::apiVersion);

  public ResourceKey {
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    if (namespace != null && namespace.isEmpty()) {
      namespace = null;
    }
  }

  public static ResourceKey clusterScoped(String apiVersion, String kind, String name) {
    return new ResourceKey(apiVersion, kind, null, name);
  }

  public static ResourceKey namespaced(
      String apiVersion, String kind, String namespace, String name) {
    return new ResourceKey(apiVersion, kind, Objects.requireNonNull(namespace, "namespace"), name);
  }

  /** The API group: empty for the core group ({@code v1}). */
  public String group() {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  public String version() {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
  }

  public boolean isNamespaced() {
    return namespace != null;
  }

  /** A stable, unique, human-readable id such as {@code v1/ConfigMap/tenant-a/settings}. */
  public String id() {
    return apiVersion + "/" + kind + "/" + (namespace == null ? "" : namespace + "/") + name;
  }

  @Override
  public int compareTo(ResourceKey other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return kind + " " + (namespace == null ? name : namespace + "/" + name);
  }
}
