package io.stagingcanary.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.fixtures.KindSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/** Read-only access to the cluster: single GETs and paginated, label-selected LISTs. */
@Component
public class ClusterReader {

  /** Objects per LIST page; large enough to keep requests few, small enough to bound memory. */
  public static final int DEFAULT_PAGE_SIZE = 500;

  private final KubernetesClient client;

  public ClusterReader(KubernetesClient client) {
    this.client = client;
  }

  public Optional<GenericKubernetesResource> get(KindSpec kind, ResourceKey key) {
    var resources = client.genericKubernetesResources(Kinds.context(kind));
    var named =
        kind.namespaced()
            ? resources.inNamespace(key.namespace()).withName(key.name())
            : resources.withName(key.name());
    return Optional.ofNullable(named.get());
  }

  /** Every object of a namespaced kind in one namespace, whatever its labels, page by page. */
  public Listing<GenericKubernetesResource> listNamespace(
      KindSpec kind, String namespace, int pageSize) {
    return listNamespace(kind, namespace, pageSize, Function.identity());
  }

  /** {@link #listNamespace}, each object mapped as its page arrives. */
  public <T> Listing<T> listNamespace(
      KindSpec kind, String namespace, int pageSize, Function<GenericKubernetesResource, T> each) {
    var resources = client.genericKubernetesResources(Kinds.context(kind)).inNamespace(namespace);
    return pages(null, pageSize, resources::list, each);
  }

  /**
   * Every object of a kind matching the label selector, in all namespaces, page by page. A {@code
   * continue} token that expired between pages (410 Gone after compaction) restarts the listing
   * once: a partial listing must never read as a loss.
   */
  public Listing<GenericKubernetesResource> list(
      KindSpec kind, String labelSelector, int pageSize) {
    return list(kind, labelSelector, pageSize, Function.identity());
  }

  /**
   * {@link #list(KindSpec, String, int)}, each object mapped as its page arrives: only one page of
   * whole objects (managedFields and all) is held at a time, not the whole kind.
   */
  public <T> Listing<T> list(
      KindSpec kind,
      String labelSelector,
      int pageSize,
      Function<GenericKubernetesResource, T> each) {
    var resources = client.genericKubernetesResources(Kinds.context(kind));
    Function<ListOptions, GenericKubernetesResourceList> page =
        kind.namespaced() ? resources.inAnyNamespace()::list : resources::list;
    try {
      return pages(labelSelector, pageSize, page, each);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 410) {
        throw e;
      }
      return pages(labelSelector, pageSize, page, each);
    }
  }

  /** Follows {@code continue} tokens until the last page. */
  private static <T> Listing<T> pages(
      String labelSelector,
      int pageSize,
      Function<ListOptions, GenericKubernetesResourceList> page,
      Function<GenericKubernetesResource, T> each) {
    List<T> items = new ArrayList<>();
    String continueToken = null;
    int requests = 0;
    do {
      GenericKubernetesResourceList result =
          page.apply(
              new ListOptionsBuilder()
                  .withLabelSelector(labelSelector)
                  .withLimit((long) pageSize)
                  .withContinue(continueToken)
                  .build());
      requests++;
      for (GenericKubernetesResource item : result.getItems()) {
        items.add(each.apply(item));
      }
      continueToken = result.getMetadata() == null ? null : result.getMetadata().getContinue();
    } while (continueToken != null && !continueToken.isEmpty());
    return new Listing<>(List.copyOf(items), requests);
  }

  /** The result of one paginated LIST: the objects (or what each was mapped to) and requests. */
  public record Listing<T>(List<T> items, int requests) {}
}
