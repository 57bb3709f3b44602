package io.stagingcanary.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stagingcanary.diff.Normalizer;
import io.stagingcanary.diff.ObservedState;
import java.io.IOException;
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

  /**
   * {@link #retained} as compact JSON bytes: what an informer cache keeps per object, a few hundred
   * bytes instead of a tree of maps and strings. {@link #fromRetained} reads it back.
   */
  public static byte[] retainedJson(GenericKubernetesResource resource) {
    try {
      return Serialization.jsonMapper().writeValueAsBytes(Normalizer.retained(toMap(resource)));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + resource.getMetadata().getName(), e);
    }
  }

  /** The object {@link #retainedJson} wrote. */
  public static GenericKubernetesResource fromRetained(byte[] json) {
    try {
      return Serialization.jsonMapper().readValue(json, GenericKubernetesResource.class);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read a cached object", e);
    }
  }

  public static ObservedState observe(GenericKubernetesResource resource) {
    return Normalizer.observe(toMap(resource));
  }
}
