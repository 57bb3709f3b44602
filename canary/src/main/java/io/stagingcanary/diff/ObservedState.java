package io.stagingcanary.diff;

import java.util.Map;

/**
 * The normalised state of one object: identity, labels, annotations and content (the object without
 * metadata and status), plus the few status fields the diff judges for PVCs.
 *
 * @param resourceVersion never compared field by field; {@link Diff#between} takes the same uid at
 *     the same version as the same object
 * @param deletionTimestamp null unless the object is terminating
 * @param phase PVC status.phase, null for other kinds
 * @param volumeName PVC spec.volumeName, null for other kinds or when unbound
 * @param capacity PVC status.capacity.storage, null for other kinds
 */
public record ObservedState(
    ResourceKey key,
    String uid,
    String resourceVersion,
    Map<String, String> labels,
    Map<String, String> annotations,
    Map<String, Object> content,
    String deletionTimestamp,
    String phase,
    String volumeName,
    String capacity) {

  public ObservedState {
    labels = FrozenTrees.strings(labels);
    annotations = FrozenTrees.strings(annotations);
    content = FrozenTrees.map(content);
  }

  /** The value of one label, or null. */
  public String label(String name) {
    return labels.get(name);
  }

  /** Whether the object is being deleted. */
  public boolean terminating() {
    return deletionTimestamp != null;
  }
}
