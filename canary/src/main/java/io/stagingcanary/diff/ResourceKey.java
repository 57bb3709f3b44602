package io.stagingcanary.diff;

import java.util.Objects;

/**
 * Identity of one Kubernetes object: apiVersion, kind, namespace (null for cluster-scoped kinds)
 * and name. The same identity is used by fixtures, the ledger, snapshots and diffs.
 */
public record ResourceKey(String apiVersion, String kind, String namespace, String name)
    implements Comparable<ResourceKey> {

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

  /**
   * Orders by kind, namespace (cluster-scoped first), name, then apiVersion. Written out rather
   * than chained from {@code Comparator.comparing}: snapshots and diffs of 10,000 sentinels sort
   * and look up keys often enough that the lambdas showed in the gate's profile.
   */
  @Override
  public int compareTo(ResourceKey other) {
    if (this == other) {
      return 0;
    }
    int c = kind.compareTo(other.kind);
    if (c != 0) {
      return c;
    }
    c =
        (namespace == null ? "" : namespace)
            .compareTo(other.namespace == null ? "" : other.namespace);
    if (c != 0) {
      return c;
    }
    c = name.compareTo(other.name);
    if (c != 0) {
      return c;
    }
    return apiVersion.compareTo(other.apiVersion);
  }

  /**
   * Each part's hash is mixed before the next joins it: the record's default ({@code 31 * h + x})
   * collides for generated names such as {@code t0001/cm-10} and {@code t0000/cm-20}, whose string
   * hashes differ by offsets that cancel out.
   */
  @Override
  public int hashCode() {
    int h = mix(apiVersion.hashCode());
    h = mix(h * 0x9E3779B9 + kind.hashCode());
    h = mix(h * 0x9E3779B9 + (namespace == null ? 0 : namespace.hashCode()));
    return mix(h * 0x9E3779B9 + name.hashCode());
  }

  /** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
  private static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    h *= 0xC2B2AE35;
    return h ^ (h >>> 16);
  }

  @Override
  public String toString() {
    return kind + " " + (namespace == null ? name : namespace + "/" + name);
  }
}
