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
 * annotations or status (a PVC's phase and capacity excepted), held as compact JSON bytes and read
 * back on every lookup (a few hundred bytes per sentinel instead of a tree of maps and strings).
 * Keys are fabric8's usual {@code namespace/name}, and the resourceVersion is kept, so the
 * informer's own bookkeeping (update events, relists) works as with its default store.
 */
final class RetainedItemStore implements ItemStore<GenericKubernetesResource> {

  private final Map<String, byte[]> store = new ConcurrentHashMap<>();

  @Override
  public String getKey(GenericKubernetesResource object) {
    return Cache.metaNamespaceKeyFunc(object);
  }

  @Override
  public GenericKubernetesResource put(String key, GenericKubernetesResource object) {
    return read(store.put(key, ObjectMaps.retainedJson(object)));
  }

  @Override
  public GenericKubernetesResource remove(String key) {
    return read(store.remove(key));
  }

  @Override
  public Stream<String> keySet() {
    return store.keySet().stream();
  }

  @Override
  public Stream<GenericKubernetesResource> values() {
    return store.values().stream().map(ObjectMaps::fromRetained);
  }

  @Override
  public int size() {
    return store.size();
  }

  @Override
  public GenericKubernetesResource get(String key) {
    return read(store.get(key));
  }

  private static GenericKubernetesResource read(byte[] json) {
    return json == null ? null : ObjectMaps.fromRetained(json);
  }
}
