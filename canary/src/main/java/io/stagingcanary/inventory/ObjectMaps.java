package io.stagingcanary.inventory;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stagingcanary.diff.FrozenTrees;
import io.stagingcanary.diff.Normalizer;
import io.stagingcanary.diff.ObservedState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns fabric8 objects into the plain maps the pure diff core reads. */
public final class ObjectMaps {

  private ObjectMaps() {}

  @SuppressWarnings("unchecked")
  public static Map<String, Object> toMap(GenericKubernetesResource resource) {
    return Serialization.jsonMapper().convertValue(resource, Map.class);
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> fromJson(String json) {
    return Serialization.unmarshal(json, Map.class);
  }

  /**
   * The object without what the diff never reads ({@link Normalizer#retained}): what an informer
   * cache keeps, so that {@link #observe} of it judges exactly as of the whole object. Built field
   * by field, without a Jackson round trip of the whole object, and held small: labels, annotations
   * and content as {@link FrozenTrees}, no empty lists or maps for fields never read.
   */
  public static GenericKubernetesResource retained(GenericKubernetesResource resource) {
    Map<String, Object> reduced = Normalizer.retained(observable(resource));
    GenericKubernetesResource kept = new GenericKubernetesResource();
    kept.setApiVersion(string(reduced.remove("apiVersion")));
    kept.setKind(string(reduced.remove("kind")));
    if (reduced.remove("metadata") instanceof Map<?, ?> metadata) {
      ObjectMeta meta = new ObjectMeta();
      meta.setName(string(metadata.get("name")));
      meta.setNamespace(string(metadata.get("namespace")));
      meta.setUid(string(metadata.get("uid")));
      meta.setResourceVersion(string(metadata.get("resourceVersion")));
      meta.setDeletionTimestamp(string(metadata.get("deletionTimestamp")));
      meta.setLabels(stringsOrNull(metadata.get("labels")));
      meta.setAnnotations(stringsOrNull(metadata.get("annotations")));
      meta.setFinalizers(null);
      meta.setManagedFields(null);
      meta.setOwnerReferences(null);
      meta.setAdditionalProperties(Map.of());
      kept.setMetadata(meta);
    }
    kept.setAdditionalProperties(FrozenTrees.map(reduced));
    return kept;
  }

  private static String string(Object value) {
    return value == null ? null : String.valueOf(value);
  }

  private static Map<String, String> stringsOrNull(Object value) {
    return value instanceof Map<?, ?> map ? FrozenTrees.strings(map) : null;
  }

  /**
   * The object as the diff core sees it. Reads only what {@link Normalizer} keeps of the metadata
   * and takes the rest of the object as it came off the wire, instead of a Jackson round trip of
   * the whole object ({@link #toMap}, managed fields included): a snapshot of 10,000 sentinels
   * spent much of its time there. An object holding anything but plain JSON values (one built in
   * code) still takes the round trip.
   */
  public static ObservedState observe(GenericKubernetesResource resource) {
    return Normalizer.observe(observable(resource));
  }

  /** What {@link #observe} reads: the same for the diff as {@link #toMap}. */
  static Map<String, Object> observable(GenericKubernetesResource resource) {
    Map<String, Object> extra = resource.getAdditionalProperties();
    if (extra != null && !extra.values().stream().allMatch(ObjectMaps::plain)) {
      return toMap(resource);
    }
    Map<String, Object> object = new LinkedHashMap<>();
    putIfSet(object, "apiVersion", resource.getApiVersion());
    putIfSet(object, "kind", resource.getKind());
    ObjectMeta meta = resource.getMetadata();
    if (meta != null) {
      Map<String, Object> metadata = new LinkedHashMap<>();
      putIfSet(metadata, "name", meta.getName());
      putIfSet(metadata, "namespace", meta.getNamespace());
      putIfSet(metadata, "uid", meta.getUid());
      putIfSet(metadata, "resourceVersion", meta.getResourceVersion());
      putIfSet(metadata, "deletionTimestamp", meta.getDeletionTimestamp());
      putIfSet(metadata, "labels", meta.getLabels());
      putIfSet(metadata, "annotations", meta.getAnnotations());
      object.put("metadata", metadata);
    }
    if (extra != null) {
      extra.forEach(object::putIfAbsent);
    }
    return object;
  }

  private static void putIfSet(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  /** A value as JSON parsing leaves it: maps, lists, strings, numbers, booleans, null. */
  private static boolean plain(Object value) {
    if (value == null
        || value instanceof String
        || value instanceof Number
        || value instanceof Boolean) {
      return true;
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String) || !plain(e.getValue())) {
          return false;
        }
      }
      return true;
    }
    if (value instanceof List<?> list) {
      for (Object item : list) {
        if (!plain(item)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }
}
