package io.stagingcanary.inventory;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stagingcanary.diff.Normalizer;
import io.stagingcanary.diff.ObservedState;
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
   * cache keeps, so that {@link #observe} of it judges exactly as of the whole object.
   */
  public static GenericKubernetesResource retained(GenericKubernetesResource resource) {
    return Serialization.jsonMapper()
        .convertValue(Normalizer.retained(toMap(resource)), GenericKubernetesResource.class);
  }

  public static ObservedState observe(GenericKubernetesResource resource) {
    return Normalizer.observe(toMap(resource));
  }
}
