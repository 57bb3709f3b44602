package io.stagingcanary.diff;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a plain object tree (as a JSON/YAML parser gives it) into an {@link ObservedState}. */
public final class Normalizer {

  private static final String PVC = "PersistentVolumeClaim";

  /**
   * The metadata fields {@link #observe} reads; {@link #retained} keeps these and no other (the
   * managedFields, ownerReferences, finalizers and timestamps of a cached object are dropped).
   */
  static final List<String> READ_METADATA =
      List.of(
          "name",
          "namespace",
          "uid",
          "resourceVersion",
          "labels",
          "annotations",
          "deletionTimestamp");

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
        FrozenTrees.strings(Values.map(object, "metadata", "labels")),
        annotations,
        content(key.kind(), object),
        Values.string(metadata, "deletionTimestamp"),
        pvc ? Values.string(object, "status", "phase") : null,
        pvc ? Values.string(object, "spec", "volumeName") : null,
        pvc ? Values.string(object, "status", "capacity", "storage") : null);
  }

  /**
   * What a cache must keep of a live object for the diff: the same tree without what {@link
   * #observe} never reads (metadata other than {@link #READ_METADATA}, annotations in {@link
   * VolatileFields}, status other than a PVC's phase and capacity), so that {@code
   * observe(retained(o))} equals {@code observe(o)}. Content (every other top-level field, Secret
   * and ConfigMap data included) is kept as it is: the diff compares and reports its values. Values
   * are {@link FrozenTrees}, so the strings many objects repeat (kind, namespace, labels, short
   * data values) are interned and shared; uid and resourceVersion, unique per object, are not.
   */
  public static Map<String, Object> retained(Map<String, Object> object) {
    Map<String, Object> kept = new LinkedHashMap<>();
    boolean pvc = PVC.equals(Values.string(object, "kind"));
    for (Map.Entry<String, Object> e : object.entrySet()) {
      switch (e.getKey()) {
        case "metadata" -> {
          if (e.getValue() instanceof Map<?, ?> metadata) {
            kept.put("metadata", retainedMetadata(metadata));
          }
        }
        case "status" -> {
          if (pvc && e.getValue() instanceof Map<?, ?> status) {
            kept.put("status", retainedPvcStatus(status));
          }
        }
        default -> kept.put(e.getKey(), FrozenTrees.of(e.getValue()));
      }
    }
    return kept;
  }

  private static Map<String, Object> retainedMetadata(Map<?, ?> metadata) {
    Map<String, Object> kept = new LinkedHashMap<>();
    for (String field : READ_METADATA) {
      Object value = metadata.get(field);
      if (value == null) {
        continue;
      }
      if (field.equals("annotations") && value instanceof Map<?, ?> annotations) {
        Map<String, Object> compared = new LinkedHashMap<>();
        annotations.forEach(
            (k, v) -> {
              if (!VolatileFields.isVolatileAnnotation(String.valueOf(k))) {
                compared.put(String.valueOf(k), v);
              }
            });
        kept.put(field, FrozenTrees.of(compared));
      } else if (field.equals("uid") || field.equals("resourceVersion")) {
        kept.put(field, value);
      } else {
        kept.put(field, FrozenTrees.of(value));
      }
    }
    return kept;
  }

  private static Map<String, Object> retainedPvcStatus(Map<?, ?> status) {
    Map<String, Object> kept = new LinkedHashMap<>();
    if (status.get("phase") != null) {
      kept.put("phase", FrozenTrees.of(status.get("phase")));
    }
    Object storage = Values.at(status, "capacity", "storage");
    if (storage != null) {
      kept.put("capacity", Map.of("storage", storage));
    }
    return kept;
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
        content.put(e.getKey(), FrozenTrees.of(e.getValue()));
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
      Map<String, Object> typed = new LinkedHashMap<>();
      child.forEach((k, v) -> typed.put(String.valueOf(k), v));
      copy.put(path[0], without(typed, Arrays.copyOfRange(path, 1, path.length)));
    }
    return copy;
  }
}
