package io.stagingcanary.watch;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.stagingcanary.inventory.ObjectMaps;
import java.util.stream.Stream;

/**
 * An informer's store that keeps of each object only what the diff reads ({@link
 * ObjectMaps#retained}): no managedFields, ownerReferences, finalizers, timestamps, server-written
 * annotations or status (a PVC's phase and capacity excepted). Keys are fabric8's usual {@code
 * namespace/name}, and the resourceVersion is kept, so the informer's own bookkeeping (update
 * events, relists) works as with its default store.
 */
final class RetainedItemStore implements ItemStore<GenericKubernetesResource> {

  private final BasicItemStore<GenericKubernetesResource> store =
      new BasicItemStore<>(Cache::metaNamespaceKeyFunc);

  @Override
  public String getKey(GenericKubernetesResource object) {
    return store.getKey(object);
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
    return store.keySet();
  }

  @Override
  public Stream<GenericKubernetesResource> values() {
    return store.values();
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
