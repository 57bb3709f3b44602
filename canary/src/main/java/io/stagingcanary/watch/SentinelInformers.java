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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One label-selected informer per sentinel kind. Owned: started after the ledger is loaded,
 * health-checked (synced and watching), re-listed when a watch keeps failing ({@link
 * #restartStale}), closed on shutdown. Events only mark identities dirty; a watch that expires
 * (410) makes fabric8 relist, which can only re-trigger, never invent loss.
 */
public class SentinelInformers implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SentinelInformers.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
  static final Duration FIRST_SYNC_GRACE = Duration.ofSeconds(30);

  /** A watch that was healthy and is being re-opened for less than this is not blindness. */
  static final Duration WATCH_GAP_GRACE = Duration.ofSeconds(2);

  private final KubernetesClient client;
  private final Clock clock;
  private final Map<KindSpec, SharedIndexInformer<GenericKubernetesResource>> informers =
      new ConcurrentHashMap<>();
  private final List<CompletableFuture<Void>> starting = new ArrayList<>();
  private volatile boolean closed;
  private volatile Instant startedAll;
  private final Map<KindSpec, Instant> startedAt = new ConcurrentHashMap<>();
  private final Set<KindSpec> everHealthy = ConcurrentHashMap.newKeySet();
  private final Map<KindSpec, Instant> notWatchingSince = new ConcurrentHashMap<>();
  private final Set<KindSpec> healthySinceStart = ConcurrentHashMap.newKeySet();
  private ChangeTrigger trigger;

  /** Objects per page of an informer's LIST (its first sync and every re-list). */
  static final long LIST_PAGE = 500;

  public SentinelInformers(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Starts one informer per kind; returns at once, sync happens in the background. */
  public synchronized void start(Collection<KindSpec> kinds, ChangeTrigger trigger) {
    if (closed) {
      return;
    }
    this.trigger = trigger;
    startedAll = clock.instant();
    for (KindSpec kind : kinds) {
      if (informers.containsKey(kind)) {
        continue;
      }
      informers.put(kind, startInformer(kind));
      startedAt.put(kind, startedAll);
    }
  }

  private SharedIndexInformer<GenericKubernetesResource> startInformer(KindSpec kind) {
    var resources = client.genericKubernetesResources(Kinds.context(kind));
    var selected =
        kind.namespaced()
            ? resources.inAnyNamespace().withLabel(SentinelLabels.SENTINEL, "true")
            : resources.withLabel(SentinelLabels.SENTINEL, "true");
    // Paginated like a verification: one unpaginated LIST of 30,000 ConfigMaps is a single body
    // parsed whole, and ran a 512 MiB heap out of memory at 50,000 sentinels.
    SharedIndexInformer<GenericKubernetesResource> informer =
        selected.withLimit(LIST_PAGE).runnableInformer(0);
    // Cache only what the diff reads: whole objects (managedFields above all) cost memory per
    // sentinel and are never compared.
    informer.itemStore(new RetainedItemStore());
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
    return informer;
  }

  /**
   * Stops and starts afresh (a new LIST, then a new watch) every informer that has not been
   * watching for {@code after} while the API server answered every probe (since {@code
   * apiAnsweringSince}): fabric8 gets that long to re-open the watch itself. fabric8 re-lists only
   * after a 410 Gone; any other refusal of a watch (a 400, a 403 that was lifted, a server replaced
   * behind the URL) is retried with a growing backoff of up to half a minute and the same
   * resourceVersion. A fresh informer can only re-trigger: its events mark sentinels dirty, the
   * diff decides.
   *
   * @return the kinds restarted
   */
  public synchronized List<KindSpec> restartStale(Instant apiAnsweringSince, Duration after) {
    if (closed) {
      return List.of();
    }
    Instant now = clock.instant();
    List<KindSpec> restarted = new ArrayList<>();
    for (Map.Entry<KindSpec, SharedIndexInformer<GenericKubernetesResource>> entry :
        informers.entrySet()) {
      KindSpec kind = entry.getKey();
      Instant since = track(kind, entry.getValue());
      if (since == null) {
        continue;
      }
      Instant from = since.isAfter(apiAnsweringSince) ? since : apiAnsweringSince;
      boolean listing =
          !healthySinceStart.contains(kind)
              && now.isBefore(startedAt.getOrDefault(kind, Instant.MIN).plus(FIRST_SYNC_GRACE));
      if (listing || Duration.between(from, now).compareTo(after) < 0) {
        // Too early, or its first LIST since it started may still be running.
        continue;
      }
      log.warn(
          "Informer for {} has not been watching since {} while the API server answers:"
              + " re-listing it",
          kind.kind(),
          since);
      entry.getValue().stop();
      starting.removeIf(CompletableFuture::isDone);
      healthySinceStart.remove(kind);
      entry.setValue(startInformer(kind));
      notWatchingSince.put(kind, now);
      startedAt.put(kind, now);
      restarted.add(kind);
    }
    return restarted;
  }

  /** Notes since when the informer has not been healthy; null when it is healthy now. */
  private Instant track(KindSpec kind, SharedIndexInformer<GenericKubernetesResource> informer) {
    if (informer.hasSynced() && informer.isWatching()) {
      notWatchingSince.remove(kind);
      healthySinceStart.add(kind);
      return null;
    }
    return notWatchingSince.computeIfAbsent(kind, k -> clock.instant());
  }

  /** Whether the informer for this kind has listed once and is watching now. */
  public boolean healthy(KindSpec kind) {
    SharedIndexInformer<GenericKubernetesResource> informer = informers.get(kind);
    return informer != null && informer.hasSynced() && informer.isWatching();
  }

  /**
   * Why the agent cannot see a kind, if it cannot. An informer still on its first list and watch
   * within {@link #FIRST_SYNC_GRACE} of starting is not blindness: the startup verification just
   * listed everything authoritatively. (Its cache is not trusted meanwhile: see {@link #healthy}.)
   */
  public synchronized Optional<String> blindReason(KindSpec kind) {
    SharedIndexInformer<GenericKubernetesResource> informer = informers.get(kind);
    if (informer == null) {
      return Optional.of("informer not started");
    }
    Instant notWatching = track(kind, informer);
    if (notWatching == null) {
      everHealthy.add(kind);
      return Optional.empty();
    }
    if (healthySinceStart.contains(kind)
        && clock.instant().isBefore(notWatching.plus(WATCH_GAP_GRACE))) {
      // fabric8 ends every watch request after 5-10 minutes and opens the next one at once.
      return Optional.empty();
    }
    boolean starting =
        !everHealthy.contains(kind)
            && startedAll != null
            && clock.instant().isBefore(startedAll.plus(FIRST_SYNC_GRACE));
    if (starting) {
      return Optional.empty();
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
