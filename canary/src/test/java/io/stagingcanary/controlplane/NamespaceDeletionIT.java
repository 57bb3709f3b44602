package io.stagingcanary.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the agent sees when a tenant namespace is deleted: the namespace turns Terminating first,
 * then the namespace controller deletes every object in it (each informer gets a DELETE), then the
 * namespace itself disappears.
 */
@RealControlPlane
class NamespaceDeletionIT {

  private static final String LABEL = "stagingcanary.io/sentinel";
  private static final Map<String, String> SENTINEL = Map.of(LABEL, "true");
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  @AfterEach
  void stopInformers() {
    informers.forEach(SharedIndexInformer::close);
  }

  @Test
  void namespaceTurnsTerminatingThenLosesItsContentsThenDisappears(KubernetesClient client) {
    String ns = ControlPlane.uniqueName("nsdel");
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(ns)
                .withLabels(SENTINEL)
                .endMetadata()
                .build())
        .create();
    List<HasMetadata> contents = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      contents.add(
          client
              .configMaps()
              .inNamespace(ns)
              .resource(
                  new ConfigMapBuilder()
                      .withNewMetadata()
                      .withName("sentinel-cm-" + i)
                      .withLabels(SENTINEL)
                      .endMetadata()
                      .addToData("k", "v" + i)
                      .build())
              .create());
      contents.add(
          client
              .secrets()
              .inNamespace(ns)
              .resource(
                  new SecretBuilder()
                      .withNewMetadata()
                      .withName("sentinel-secret-" + i)
                      .withLabels(SENTINEL)
                      .endMetadata()
                      .addToStringData("k", "v" + i)
                      .build())
              .create());
    }
    contents.add(
        client
            .persistentVolumeClaims()
            .inNamespace(ns)
            .resource(
                new PersistentVolumeClaimBuilder()
                    .withNewMetadata()
                    .withName("sentinel-pvc")
                    .withLabels(SENTINEL)
                    .endMetadata()
                    .withNewSpec()
                    .withAccessModes("ReadWriteOnce")
                    .withNewResources()
                    .addToRequests("storage", new Quantity("1Gi"))
                    .endResources()
                    .endSpec()
                    .build())
            .create());
    contents.add(
        client
            .serviceAccounts()
            .inNamespace(ns)
            .resource(
                new ServiceAccountBuilder()
                    .withNewMetadata()
                    .withName("sentinel-sa")
                    .withLabels(SENTINEL)
                    .endMetadata()
                    .build())
            .create());

    RecordingHandler<Namespace> namespaces = new RecordingHandler<>();
    List<RecordingHandler<? extends HasMetadata>> handlers = new ArrayList<>();
    informers.add(client.namespaces().withLabel(LABEL, "true").inform(namespaces));
    informers.add(
        client.configMaps().inNamespace(ns).withLabel(LABEL, "true").inform(track(handlers)));
    informers.add(
        client.secrets().inNamespace(ns).withLabel(LABEL, "true").inform(track(handlers)));
    informers.add(
        client
            .persistentVolumeClaims()
            .inNamespace(ns)
            .withLabel(LABEL, "true")
            .inform(track(handlers)));
    informers.add(
        client.serviceAccounts().inNamespace(ns).withLabel(LABEL, "true").inform(track(handlers)));

    Set<String> expected = keys(contents.stream());
    await("informers list every sentinel")
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(keys(events(handlers, RecordingHandler.Type.ADD))).isEqualTo(expected));
    long beforeDelete = RecordingHandler.mark();

    client.namespaces().withName(ns).delete();

    await("namespace " + ns + " turns Terminating")
        .atMost(TIMEOUT)
        .until(
            () ->
                namespaces.eventsAfter(beforeDelete).stream()
                    .anyMatch(
                        e ->
                            e.name().equals(ns)
                                && e.object().getMetadata().getDeletionTimestamp() != null
                                && "Terminating".equals(e.object().getStatus().getPhase())));
    await("the namespace controller deletes every content object")
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(keys(events(handlers, RecordingHandler.Type.DELETE)))
                    .isEqualTo(expected));
    await("namespace " + ns + " is gone")
        .atMost(TIMEOUT)
        .until(() -> client.namespaces().withName(ns).get() == null);
    await("the namespace informer sees the namespace deleted")
        .atMost(TIMEOUT)
        .until(
            () ->
                namespaces.events(RecordingHandler.Type.DELETE).stream()
                    .anyMatch(e -> e.name().equals(ns)));

    // Order by the resourceVersions the events carry: on this single etcd they are its revisions,
    // so they order the writes themselves, whatever the delivery order across the informers.
    long terminating =
        namespaces.eventsAfter(beforeDelete).stream()
            .filter(e -> e.name().equals(ns))
            .filter(e -> "Terminating".equals(e.object().getStatus().getPhase()))
            .mapToLong(NamespaceDeletionIT::revision)
            .min()
            .orElseThrow();
    long firstContentDelete =
        events(handlers, RecordingHandler.Type.DELETE)
            .mapToLong(NamespaceDeletionIT::revision)
            .min()
            .orElseThrow();
    long lastContentDelete =
        events(handlers, RecordingHandler.Type.DELETE)
            .mapToLong(NamespaceDeletionIT::revision)
            .max()
            .orElseThrow();
    long namespaceDeleted =
        namespaces.events(RecordingHandler.Type.DELETE).stream()
            .filter(e -> e.name().equals(ns))
            .mapToLong(NamespaceDeletionIT::revision)
            .min()
            .orElseThrow();
    assertThat(terminating)
        .as("the namespace turns Terminating before any content object is deleted")
        .isLessThan(firstContentDelete);
    assertThat(lastContentDelete)
        .as("every content object is deleted before the namespace itself")
        .isLessThan(namespaceDeleted);
    assertThat(events(handlers, RecordingHandler.Type.DELETE).filter(e -> e.finalStateUnknown()))
        .as("deletions arrive as watch events, not as relist guesses")
        .isEmpty();
  }

  private static long revision(RecordingHandler.Event<? extends HasMetadata> event) {
    return Long.parseLong(event.object().getMetadata().getResourceVersion());
  }

  private static <T extends HasMetadata> RecordingHandler<T> track(
      List<RecordingHandler<? extends HasMetadata>> handlers) {
    RecordingHandler<T> handler = new RecordingHandler<>();
    handlers.add(handler);
    return handler;
  }

  private static Stream<? extends RecordingHandler.Event<? extends HasMetadata>> events(
      List<RecordingHandler<? extends HasMetadata>> handlers, RecordingHandler.Type type) {
    return handlers.stream().flatMap(h -> h.events(type).stream());
  }

  private static Set<String> keys(Stream<? extends Object> objects) {
    return objects
        .map(o -> o instanceof RecordingHandler.Event<?> e ? e.object() : (HasMetadata) o)
        .map(
            o ->
                o.getKind()
                    + "/"
                    + o.getMetadata().getNamespace()
                    + "/"
                    + o.getMetadata().getName())
        .collect(Collectors.toSet());
  }
}
