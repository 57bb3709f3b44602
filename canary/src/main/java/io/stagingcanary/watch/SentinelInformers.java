package io.stagingcanary.watch;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.stagingcanary.cluster.Kinds;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.fixtures.SentinelLabels;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One label-selected informer per sentinel kind. Owned: started after the ledger is loaded,
 * health-checked (synced and watching), closed on shutdown. Events only mark identities dirty; a
 * watch that expires (410) makes fabric8 relist, which can only re-trigger, never invent loss.
 */
public class SentinelInformers implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SentinelInformers.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final KubernetesClient client;
  private final Clock clock;
  private final Map<KindSpec, SharedIndexInformer<GenericKubernetesResource>> informers =
      new LinkedHashMap<>();
  private final List<CompletableFuture<Void>> starting = new ArrayList<>();
  private volatile boolean closed;

  public SentinelInformers(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Starts one informer per kind; returns at once, sync happens in the background. */
  public synchronized void start(Collection<KindSpec> kinds, ChangeTrigger trigger) {
    if (closed) {
      return;
    }
    for (KindSpec kind : kinds) {
      if (informers.containsKey(kind)) {
        continue;
      }
      var resources = client.genericKubernetesResources(Kinds.context(kind));
      var selected =
          kind.namespaced()
              ? resources.inAnyNamespace().withLabel(SentinelLabels.SENTINEL, "true")
              : resources.withLabel(SentinelLabels.SENTINEL, "true");
      SharedIndexInformer<GenericKubernetesResource> informer = selected.runnableInformer(0);
      informer.addEventHandler(new Handler(kind, trigger));
      informer.exceptionHandler(
          (started, error) -> {
            if (closed) {
              return false;
            }
            log.warn("Informer for {} failed, retrying: {}", kind.kind(), error.getMessage());
            return true;
          });
      starting.add(informer.start().toCompletableFuture());
      informers.put(kind, informer);
    }
  }

  /** Whether the informer for this kind has listed once and is watching now. */
  public boolean healthy(KindSpec kind) {
    SharedIndexInformer<GenericKubernetesResource> informer = informers.get(kind);
    return informer != null && informer.hasSynced() && informer.isWatching();
  }

  /** Why a kind's cache cannot be trusted, if it cannot. */
  public Optional<String> blindReason(KindSpec kind) {
    SharedIndexInformer<GenericKubernetesResource> informer = informers.get(kind);
    if (informer == null) {
      return Optional.of("informer not started");
    }
    if (!informer.hasSynced()) {
      return Optional.of("informer not synced");
    }
    if (!informer.isWatching()) {
      return Optional.of("watch not established (API server unreachable?)");
    }
    return Optional.empty();
  }

  /** The cached objects of one kind. */
  public List<GenericKubernetesResource> cached(KindSpec kind) {
    SharedIndexInformer<GenericKubernetesResource> informer = informers.get(kind);
    return informer == null ? List.of() : informer.getStore().list();
  }

  /**
   * The cached objects of one kind that have one of these identities, looked up by key in the
   * informer's store rather than found by scanning (and converting) every cached object.
   */
  public List<GenericKubernetesResource> cached(KindSpec kind, Collection<ResourceKey> keys) {
    SharedIndexInformer<GenericKubernetesResource> informer = informers.get(kind);
    if (informer == null) {
      return List.of();
    }
    List<GenericKubernetesResource> found = new ArrayList<>();
    for (ResourceKey key : keys) {
      if (!key.apiVersion().equals(kind.apiVersion()) || !key.kind().equals(kind.kind())) {
        continue;
      }
      GenericKubernetesResource item =
          informer
              .getStore()
              .getByKey(
                  Cache.namespaceKeyFunc(kind.namespaced() ? key.namespace() : null, key.name()));
      if (item != null) {
        found.add(item);
      }
    }
    return found;
  }

  public synchronized Collection<KindSpec> kinds() {
    return List.copyOf(informers.keySet());
  }

  @Override
  /**
   * Stops every informer, first letting watches that are being opened finish (bounded): a watch
   * torn down mid-handshake leaves some servers (the sandbox's mock server) stuck.
   */
  public synchronized void close() {
    closed = true;
    try {
      CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new))
          .get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.debug("Informers not all started before close: {}", e.getMessage());
    }
    informers.values().forEach(SharedIndexInformer::stop);
    informers.clear();
    starting.clear();
  }

  private final class Handler implements ResourceEventHandler<GenericKubernetesResource> {
    private final KindSpec kind;
    private final ChangeTrigger trigger;

    Handler(KindSpec kind, ChangeTrigger trigger) {
      this.kind = kind;
      this.trigger = trigger;
    }

    @Override
    public void onAdd(GenericKubernetesResource object) {
      mark(object);
    }

    @Override
    public void onUpdate(GenericKubernetesResource oldObject, GenericKubernetesResource newObject) {
      mark(newObject);
    }

    @Override
    public void onDelete(GenericKubernetesResource object, boolean finalStateUnknown) {
      mark(object);
    }

    private void mark(GenericKubernetesResource object) {
      trigger.dirty(
          new ResourceKey(
              kind.apiVersion(),
              kind.kind(),
              kind.namespaced() ? object.getMetadata().getNamespace() : null,
              object.getMetadata().getName()),
          clock.instant());
    }
  }
}
