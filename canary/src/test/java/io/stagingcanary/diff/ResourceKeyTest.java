package io.stagingcanary.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResourceKeyTest {

  static ResourceKey configMap(String namespace, String name) {
    return ResourceKey.namespaced("v1", "ConfigMap", namespace, name);
  }

  @Test
  void generatedNamesThatCollideUnderTheRecordDefaultHashDifferently() {
    assertThat(configMap("t0001", "cm-10").hashCode())
        .isNotEqualTo(configMap("t0000", "cm-20").hashCode());
  }

  @Test
  void tenThousandGeneratedKeysSpreadOverAHashTable() {
    Set<Integer> hashes = new HashSet<>();
    int buckets = 1 << 14;
    Map<Integer, Integer> perBucket = new HashMap<>();
    int keys = 0;
    for (int tenant = 0; tenant < 100; tenant++) {
      for (int i = 0; i < 100; i++) {
        int h = configMap(String.format("t%04d", tenant), "cm-" + i).hashCode();
        hashes.add(h);
        // The bucket java.util.HashMap picks for a table of this size.
        perBucket.merge((h ^ (h >>> 16)) & (buckets - 1), 1, Integer::sum);
        keys++;
      }
    }

    assertThat(hashes).hasSizeGreaterThanOrEqualTo(keys - 2);
    assertThat(perBucket.values().stream().mapToInt(Integer::intValue).max().orElseThrow())
        .isLessThanOrEqualTo(8);
  }

  @Test
  void equalKeysHashEquallyAndAnEmptyNamespaceIsNone() {
    assertThat(new ResourceKey("v1", "Namespace", "", "a").hashCode())
        .isEqualTo(ResourceKey.clusterScoped("v1", "Namespace", "a").hashCode());
    assertThat(configMap("a", "b"))
        .isEqualTo(configMap("a", "b"))
        .hasSameHashCodeAs(configMap("a", "b"));
  }

  @Test
  void ordersByKindNamespaceNameThenApiVersionClusterScopedFirst() {
    ResourceKey namespace = ResourceKey.clusterScoped("v1", "Namespace", "b");
    ResourceKey clusterConfig = ResourceKey.clusterScoped("v1", "ConfigMap", "z");
    ResourceKey a1 = configMap("a", "1");
    ResourceKey a2 = configMap("a", "2");
    ResourceKey b1 = configMap("b", "1");
    ResourceKey a1Other = ResourceKey.namespaced("other/v1", "ConfigMap", "a", "1");
    ResourceKey a1Later = ResourceKey.namespaced("v2", "ConfigMap", "a", "1");

    List<ResourceKey> keys =
        new ArrayList<>(List.of(namespace, b1, a1Later, a2, clusterConfig, a1, a1Other));
    Collections.shuffle(keys, new Random(7));
    keys.sort(null);

    assertThat(keys).containsExactly(clusterConfig, a1Other, a1, a1Later, a2, b1, namespace);
    assertThat(a1.compareTo(configMap("a", "1"))).isZero();
    assertThat(new ResourceKey("v1", "ConfigMap", "", "z").compareTo(clusterConfig)).isZero();
  }
}
