package io.stagingcanary.diff;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a plain object tree (as a JSON/YAML parser gives it) into an {@link ObservedState}. */
public final class Normalizer {

  private static final String PVC = "PersistentVolumeClaim";

  private Normalizer() {}

  /** Normalises one live object; throws IllegalArgumentException without apiVersion/kind/name. */
  public static ObservedState observe(Map<String, Object> object) {
    ResourceKey key = keyOf(object);
    Map<?, ?> metadata = Values.map(object, "metadata");
    Map<String, String> annotations = new LinkedHashMap<>();
    Map<?, ?> rawAnnotations = Values.map(object, "metadata", "annotations");
    if (rawAnnotations != null) {
      rawAnnotations.forEach(
          (k, v) -> {
            String name = String.valueOf(k);
            if (!VolatileFields.isVolatileAnnotation(name)) {
              annotations.put(name, v == null ? null : String.valueOf(v));
            }
          });
    }
    boolean pvc = PVC.equals(key.kind());
    return new ObservedState(
        key,
        Values.string(metadata, "uid"),
        Values.string(metadata, "resourceVersion"),
        Values.frozenStrings(Values.map(object, "metadata", "labels")),
        annotations,
        content(key.kind(), object),
        Values.string(metadata, "deletionTimestamp"),
        pvc ? Values.string(object, "status", "phase") : null,
        pvc ? Values.string(object, "spec", "volumeName") : null,
        pvc ? Values.string(object, "status", "capacity", "storage") : null);
  }

  /** The identity of an object tree. */
  public static ResourceKey keyOf(Map<String, Object> object) {
    String apiVersion = Values.string(object, "apiVersion");
    String kind = Values.string(object, "kind");
    String name = Values.string(object, "metadata", "name");
    if (apiVersion == null || kind == null || name == null) {
      throw new IllegalArgumentException("object without apiVersion, kind or metadata.name");
    }
    return new ResourceKey(apiVersion, kind, Values.string(object, "metadata", "namespace"), name);
  }

  private static Map<String, Object> content(String kind, Map<String, Object> object) {
    Map<String, Object> content = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : object.entrySet()) {
      if (!VolatileFields.TOP_LEVEL.contains(e.getKey())) {
        content.put(e.getKey(), Values.frozen(e.getValue()));
      }
    }
    for (String path : VolatileFields.CONTENT_PATHS.getOrDefault(kind, List.of())) {
      content = without(content, path.split("\\."));
    }
    return content;
  }

  /** A copy of {@code map} without the field at the dotted path. */
  private static Map<String, Object> without(Map<String, Object> map, String[] path) {
    Map<String, Object> copy = new LinkedHashMap<>(map);
    if (path.length == 1) {
      copy.remove(path[0]);
    } else if (copy.get(path[0]) instanceof Map<?, ?> child) {
      Map<String, Object> typed = new LinkedHashMap<>(Values.frozenMap(child));
      copy.put(path[0], without(typed, Arrays.copyOfRange(path, 1, path.length)));
    }
    return copy;
  }
}
