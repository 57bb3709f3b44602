package io.stagingcanary.cluster;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.stagingcanary.fixtures.KindSpec;

/** Maps the fixtures' kind specs onto fabric8's explicit resource contexts. */
public final class Kinds {

  private Kinds() {}

  public static ResourceDefinitionContext context(KindSpec kind) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(kind.group())
        .withVersion(kind.version())
        .withKind(kind.kind())
        .withPlural(kind.plural())
        .withNamespaced(kind.namespaced())
        .build();
  }

  /** The REST path of one object, e.g. {@code /apis/apps/v1/namespaces/a/deployments/web}. */
  public static String path(KindSpec kind, String namespace, String name) {
    StringBuilder path = new StringBuilder();
    path.append(kind.group().isEmpty() ? "/api/" : "/apis/" + kind.group() + "/");
    path.append(kind.version());
    if (kind.namespaced()) {
      path.append("/namespaces/").append(namespace);
    }
    return path.append('/').append(kind.plural()).append('/').append(name).toString();
  }
}
