package io.stagingcanary.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The garbage collector of kube-controller-manager deletes dependents through ownerReferences: a
 * Deployment's ReplicaSet (created by the deployment controller) goes with its owner.
 */
@RealControlPlane
class GarbageCollectionIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String HOLD = "stagingcanary.io/test-hold";

  private final KubernetesClient client;
  private String ns;

  GarbageCollectionIT(KubernetesClient client) {
    this.client = client;
  }

  @BeforeEach
  void createNamespace() {
    ns = ControlPlane.uniqueName("gc");
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
  }

  @AfterEach
  void deleteNamespace() {
    client.namespaces().withName(ns).delete();
  }

  @Test
  void backgroundDeletionRemovesTheOwnerAtOnceAndTheReplicaSetAfterwards() {
    Deployment deployment = createDeployment("background");
    ReplicaSet replicaSet = awaitReplicaSetOf(deployment);

    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName("background")
        .withPropagationPolicy(DeletionPropagation.BACKGROUND)
        .delete();

    await("deployment gone")
        .atMost(TIMEOUT)
        .until(
            () -> client.apps().deployments().inNamespace(ns).withName("background").get() == null);
    await("garbage collector deletes the ReplicaSet")
        .atMost(TIMEOUT)
        .until(() -> replicaSetGone(replicaSet));
  }

  @Test
  void foregroundDeletionKeepsTheOwnerUntilEveryDependentIsGone() {
    Deployment deployment = createDeployment("foreground");
    ReplicaSet replicaSet = awaitReplicaSetOf(deployment);
    // Our own finalizer on the dependent holds the foreground deletion in its middle state.
    client
        .apps()
        .replicaSets()
        .inNamespace(ns)
        .withName(replicaSet.getMetadata().getName())
        .edit(
            r ->
                new ReplicaSetBuilder(r)
                    .editMetadata()
                    .addToFinalizers(HOLD)
                    .endMetadata()
                    .build());

    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName("foreground")
        .withPropagationPolicy(DeletionPropagation.FOREGROUND)
        .delete();

    await("garbage collector marks the ReplicaSet deleted while the owner waits")
        .atMost(TIMEOUT)
        .until(
            () -> {
              ReplicaSet current = currentReplicaSet(replicaSet);
              return current != null && current.getMetadata().getDeletionTimestamp() != null;
            });
    Deployment waiting = client.apps().deployments().inNamespace(ns).withName("foreground").get();
    assertThat(waiting).as("the owner stays while a dependent exists").isNotNull();
    assertThat(waiting.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(waiting.getMetadata().getFinalizers()).contains("foregroundDeletion");

    client
        .apps()
        .replicaSets()
        .inNamespace(ns)
        .withName(replicaSet.getMetadata().getName())
        .edit(
            r ->
                new ReplicaSetBuilder(r)
                    .editMetadata()
                    .removeFromFinalizers(HOLD)
                    .endMetadata()
                    .build());

    await("ReplicaSet gone").atMost(TIMEOUT).until(() -> replicaSetGone(replicaSet));
    await("then the owner is gone")
        .atMost(TIMEOUT)
        .until(
            () -> client.apps().deployments().inNamespace(ns).withName("foreground").get() == null);
  }

  @Test
  void orphanDeletionKeepsTheReplicaSetWithoutItsOwnerReference() {
    Deployment deployment = createDeployment("orphan");
    ReplicaSet replicaSet = awaitReplicaSetOf(deployment);

    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName("orphan")
        .withPropagationPolicy(DeletionPropagation.ORPHAN)
        .delete();

    await("deployment gone")
        .atMost(TIMEOUT)
        .until(() -> client.apps().deployments().inNamespace(ns).withName("orphan").get() == null);
    ReplicaSet orphan = currentReplicaSet(replicaSet);
    assertThat(orphan).as("an orphaned dependent survives its owner").isNotNull();
    assertThat(orphan.getMetadata().getDeletionTimestamp()).isNull();
    assertThat(orphan.getMetadata().getOwnerReferences())
        .extracting(OwnerReference::getUid)
        .doesNotContain(deployment.getMetadata().getUid());
  }

  private Deployment createDeployment(String name) {
    return client
        .apps()
        .deployments()
        .inNamespace(ns)
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                // No pods are needed (and no scheduler or kubelet runs): the ReplicaSet suffices.
                .withReplicas(0)
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("main")
                .withImage("registry.invalid/none:1")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  private ReplicaSet awaitReplicaSetOf(Deployment deployment) {
    String uid = deployment.getMetadata().getUid();
    return await(
            "deployment controller creates a ReplicaSet owned by "
                + deployment.getMetadata().getName())
        .atMost(TIMEOUT)
        .until(
            () -> {
              List<ReplicaSet> owned =
                  client.apps().replicaSets().inNamespace(ns).list().getItems().stream()
                      .filter(
                          r ->
                              r.getMetadata().getOwnerReferences().stream()
                                  .anyMatch(
                                      o ->
                                          uid.equals(o.getUid())
                                              && Boolean.TRUE.equals(o.getController())))
                      .toList();
              return owned.size() == 1 ? owned.get(0) : null;
            },
            r -> r != null);
  }

  private ReplicaSet currentReplicaSet(ReplicaSet replicaSet) {
    ReplicaSet current =
        client
            .apps()
            .replicaSets()
            .inNamespace(ns)
            .withName(replicaSet.getMetadata().getName())
            .get();
    return current != null
            && current.getMetadata().getUid().equals(replicaSet.getMetadata().getUid())
        ? current
        : null;
  }

  private boolean replicaSetGone(ReplicaSet replicaSet) {
    return currentReplicaSet(replicaSet) == null;
  }
}
