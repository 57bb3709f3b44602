package io.stagingcanary.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.PodTemplateBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Watches resumed from a resourceVersion etcd has compacted away get 410 Gone, and a fabric8
 * informer recovers from it by relisting, without inventing changes to unchanged objects.
 *
 * <p>The API server's watch cache keeps recent history in memory and would serve an old
 * resourceVersion regardless of etcd compaction; {@link ControlPlane#UNCACHED_RESOURCE} has its
 * watch cache disabled, so its watches are served by etcd and really hit the compaction. The
 * informer test restarts kube-apiserver instead: after a restart every watch cache starts at the
 * current revision, so a resume from an older one is refused like in production after an outage.
 */
@RealControlPlane
class WatchExpiryIT {

  private static final String LABEL = "stagingcanary.io/sentinel";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private final ControlPlane controlPlane;
  private final KubernetesClient client;
  private String ns;

  WatchExpiryIT(ControlPlane controlPlane, KubernetesClient client) {
    this.controlPlane = controlPlane;
    this.client = client;
  }

  @BeforeEach
  void createNamespace() {
    ns = ControlPlane.uniqueName("watch");
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
  }

  @AfterEach
  void deleteNamespace() {
    if (!controlPlane.isApiServerRunning()) {
      controlPlane.startApiServer();
    }
    client.namespaces().withName(ns).delete();
  }

  @Test
  void watchFromACompactedResourceVersionIsGone() throws Exception {
    PodTemplate template =
        client
            .resources(PodTemplate.class)
            .inNamespace(ns)
            .resource(
                new PodTemplateBuilder()
                    .withNewMetadata()
                    .withName("sentinel")
                    .addToLabels(LABEL, "true")
                    .endMetadata()
                    .withNewTemplate()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("main")
                    .withImage("registry.invalid/none:1")
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .build())
            .create();
    String createdAt = template.getMetadata().getResourceVersion();
    for (int i = 1; i <= 3; i++) {
      int generation = i;
      client
          .resources(PodTemplate.class)
          .inNamespace(ns)
          .withName("sentinel")
          .edit(
              t ->
                  new PodTemplateBuilder(t)
                      .editMetadata()
                      .addToAnnotations("round", Integer.toString(generation))
                      .endMetadata()
                      .build());
    }

    // Before compaction etcd still has the history: the watch replays the three updates.
    WatchOutcome replay = watchPodTemplatesFrom(createdAt);
    await("history replayed from " + createdAt)
        .atMost(TIMEOUT)
        .until(() -> replay.modified.size() >= 3);
    replay.close();
    assertThat(replay.closedWith).isNotDone();

    long compactedTo = controlPlane.compact();
    assertThat(compactedTo).isGreaterThan(Long.parseLong(createdAt));

    WatchOutcome expired = watchPodTemplatesFrom(createdAt);
    await("watch from compacted resourceVersion " + createdAt + " is closed by the server")
        .atMost(TIMEOUT)
        .until(expired.closedWith::isDone);
    WatcherException gone = expired.closedWith.join();
    assertThat(gone).as("closed with an error, not normally").isNotNull();
    assertThat(gone.isHttpGone()).as("410 Gone, got %s", gone.getMessage()).isTrue();
    assertThat(expired.modified).isEmpty();

    // A watch from a current resourceVersion keeps working after the compaction.
    String current =
        client
            .resources(PodTemplate.class)
            .inNamespace(ns)
            .list()
            .getMetadata()
            .getResourceVersion();
    WatchOutcome fresh = watchPodTemplatesFrom(current);
    client
        .resources(PodTemplate.class)
        .inNamespace(ns)
        .withName("sentinel")
        .edit(
            t ->
                new PodTemplateBuilder(t)
                    .editMetadata()
                    .addToAnnotations("round", "after-compaction")
                    .endMetadata()
                    .build());
    await("fresh watch sees the update").atMost(TIMEOUT).until(() -> fresh.modified.size() == 1);
    fresh.close();
    assertThat(fresh.closedWith).isNotDone();
  }

  @Test
  void informerRelistsAfterGoneAndReportsOnlyTheRealChange() {
    for (String name : List.of("a", "b", "c")) {
      client
          .configMaps()
          .inNamespace(ns)
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .addToLabels(LABEL, "true")
                  .endMetadata()
                  .addToData("value", name)
                  .build())
          .create();
    }
    Map<String, String> versionsBefore = Map.of();
    RecordingHandler<ConfigMap> handler = new RecordingHandler<>();
    try (KubernetesClient informerClient = controlPlane.newClient()) {
      SharedIndexInformer<ConfigMap> informer =
          informerClient.configMaps().inNamespace(ns).withLabel(LABEL, "true").inform(handler);
      try {
        await("informer synced").atMost(TIMEOUT).until(informer::hasSynced);
        await("three adds")
            .atMost(TIMEOUT)
            .until(() -> handler.events(RecordingHandler.Type.ADD).size() == 3);
        versionsBefore = versions(informer);
        long beforeOutage = RecordingHandler.mark();

        // While kube-apiserver is down, "c" vanishes from etcd: no watch event can report it.
        controlPlane.stopApiServer();
        ExecResult deleted = controlPlane.etcdctl("del", "/registry/configmaps/" + ns + "/c");
        assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
        assertThat(deleted.stdout().strip()).isEqualTo("1");
        controlPlane.compact();
        controlPlane.startApiServer();

        await("relist drops c")
            .atMost(TIMEOUT)
            .untilAsserted(
                () ->
                    assertThat(handler.eventsAfter(beforeOutage))
                        .anySatisfy(
                            e -> {
                              assertThat(e.type()).isEqualTo(RecordingHandler.Type.DELETE);
                              assertThat(e.name()).isEqualTo("c");
                              // Only a relist (after 410) can report a deletion it never saw.
                              assertThat(e.finalStateUnknown()).isTrue();
                            }));
        assertThat(versions(informer))
            .containsExactlyInAnyOrderEntriesOf(
                Map.of("a", versionsBefore.get("a"), "b", versionsBefore.get("b")));
        List<RecordingHandler.Event<ConfigMap>> afterOutage = handler.eventsAfter(beforeOutage);
        assertThat(afterOutage)
            .as("no DELETE or ADD for the unchanged objects")
            .filteredOn(e -> e.type() != RecordingHandler.Type.UPDATE)
            .extracting(RecordingHandler.Event::name)
            .containsExactly("c");
        assertThat(afterOutage)
            .as("relist updates of unchanged objects carry no change")
            .filteredOn(e -> e.type() == RecordingHandler.Type.UPDATE)
            .allSatisfy(
                e ->
                    assertThat(e.object().getMetadata().getResourceVersion())
                        .isEqualTo(e.old().getMetadata().getResourceVersion()));

        // The informer watches again after the relist: a real change arrives as an update.
        long beforeEdit = RecordingHandler.mark();
        client
            .configMaps()
            .inNamespace(ns)
            .withName("a")
            .edit(c -> new ConfigMapBuilder(c).addToData("value", "changed").build());
        await("update of a after the relist")
            .atMost(TIMEOUT)
            .until(
                () ->
                    handler.eventsAfter(beforeEdit).stream()
                        .anyMatch(
                            e ->
                                e.type() == RecordingHandler.Type.UPDATE
                                    && e.name().equals("a")
                                    && "changed".equals(e.object().getData().get("value"))));
      } finally {
        informer.close();
      }
    }
  }

  private static Map<String, String> versions(SharedIndexInformer<ConfigMap> informer) {
    return informer.getStore().list().stream()
        .collect(
            java.util.stream.Collectors.toMap(
                c -> c.getMetadata().getName(), c -> c.getMetadata().getResourceVersion()));
  }

  private WatchOutcome watchPodTemplatesFrom(String resourceVersion) {
    WatchOutcome outcome = new WatchOutcome();
    outcome.watch =
        client
            .resources(PodTemplate.class)
            .inNamespace(ns)
            .watch(
                new ListOptionsBuilder()
                    .withResourceVersion(resourceVersion)
                    .withLabelSelector(LABEL + "=true")
                    .build(),
                outcome);
    return outcome;
  }

  private static final class WatchOutcome implements Watcher<PodTemplate> {
    final List<PodTemplate> modified = new CopyOnWriteArrayList<>();
    final CompletableFuture<WatcherException> closedWith = new CompletableFuture<>();
    Watch watch;

    @Override
    public void eventReceived(Action action, PodTemplate resource) {
      if (action == Action.MODIFIED) {
        modified.add(resource);
      }
    }

    @Override
    public void onClose(WatcherException cause) {
      closedWith.complete(cause);
    }

    void close() {
      watch.close();
    }
  }
}
