package io.stagingcanary.watch;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.stagingcanary.inventory.ObjectMaps;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * An informer's store that keeps of each object only what the diff reads ({@link
 * ObjectMaps#retained}): no managedFields, ownerReferences, finalizers, timestamps, server-written
 * annotations or status (a PVC's phase and capacity excepted). The reduced objects are kept as
 * objects, not as serialised bytes: a gated run's baseline reads every cached sentinel, and parsing
 * 10,000 of them cost more time than the 14 MiB of heap it saved. Keys are fabric8's usual {@code
 * namespace/name}, and the resourceVersion is kept, so the informer's own bookkeeping (update
 * events, relists) works as with its default store.
 */
final class RetainedItemStore implements ItemStore<GenericKubernetesResource> {

  private final Map<String, GenericKubernetesResource> store = new ConcurrentHashMap<>();

  @Override
  public String getKey(GenericKubernetesResource object) {
    return Cache.metaNamespaceKeyFunc(object);
  }

  @Override
  public GenericKubernetesResource put(String key, GenericKubernetesResource object) {
    return store.put(key, ObjectMaps.retained(object));
  }

  @Override
  public GenericKubernetesResource remove(String key) {
    return store.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return store.keySet().stream();
  }

  @Override
  public Stream<GenericKubernetesResource> values() {
    return store.values().stream();
  }

  @Override
  public int size() {
    return store.size();
  }

  @Override
  public GenericKubernetesResource get(String key) {
    return store.get(key);
  }
}
