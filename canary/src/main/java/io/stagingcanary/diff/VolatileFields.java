package io.stagingcanary.diff;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one list of fields the diff never compares, each with the reason. Everything not listed here
 * that the agent set is compared; everything others add is ignored by the subset rule.
 */
final class VolatileFields {

  private VolatileFields() {}

  /**
   * Top-level fields left out of {@link ObservedState#content()}: metadata is split into labels,
   * annotations and the informational fields below; status belongs to controllers.
   */
  static final Set<String> TOP_LEVEL =
      Set.of(
          "apiVersion", // part of ResourceKey
          "kind", // part of ResourceKey
          "metadata", // compared only through labels and annotations
          "status"); // written by controllers; only PVC phase/volume/capacity are kept

  /** Metadata fields that are never compared. */
  static final Set<String> METADATA =
      Set.of(
          "managedFields", // server-side apply bookkeeping, rewritten on every write
          "resourceVersion", // changes on every write; kept on ObservedState for information only
          "generation", // bumped by the server on every spec write
          "creationTimestamp", // server-set; a recreation shows up as a new uid instead
          "selfLink", // deprecated, server-populated
          "ownerReferences", // set by controllers and the garbage collector, not by the agent
          "finalizers", // added and removed by controllers during the object's lifecycle
          "uid", // identity: compared on its own (Replaced), never as a field
          "deletionTimestamp", // lifecycle: reported as Degraded, never as a field change
          "deletionGracePeriodSeconds"); // set together with deletionTimestamp

  /** Annotation keys written by servers and controllers. */
  static final Set<String> ANNOTATION_KEYS =
      Set.of(
          "kubectl.kubernetes.io/last-applied-configuration", // client bookkeeping of kubectl
          "deployment.kubernetes.io/revision", // Deployment controller counter
          "openshift.io/deployment-config.latest-version"); // DeploymentConfig controller counter

  /** Annotation key prefixes written by servers and controllers. */
  static final List<String> ANNOTATION_PREFIXES =
      List.of(
          "pv.kubernetes.io/", // PV controller binding state (bind-completed, bound-by-controller)
          "volume.kubernetes.io/", // provisioner selection and selected node
          "volume.beta.kubernetes.io/", // legacy provisioner annotations
          "openshift.io/sa.scc.", // SCC uid-range, mcs and supplemental groups allocated per ns
          "control-plane.alpha.kubernetes.io/"); // leader election records

  /**
   * Content paths per kind that are dropped from content; PVC binding is assigned by the controller
   * and checked separately (bound to a different volume is Degraded, not Modified).
   */
  static final Map<String, List<String>> CONTENT_PATHS =
      Map.of("PersistentVolumeClaim", List.of("spec.volumeName"));

  /** Whether an annotation key is written by a server or controller and must be ignored. */
  static boolean isVolatileAnnotation(String key) {
    if (ANNOTATION_KEYS.contains(key)) {
      return true;
    }
    for (String prefix : ANNOTATION_PREFIXES) {
      if (key.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
