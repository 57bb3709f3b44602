package io.stagingcanary.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.controlplane.ControlPlane;
import io.stagingcanary.controlplane.RealControlPlane;
import io.stagingcanary.seeding.GuardedMutations;
import io.stagingcanary.seeding.InMemoryLedger;
import io.stagingcanary.seeding.MutationResult;
import io.stagingcanary.seeding.SentinelNamespaces;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer and checker Jobs on a real API server: it accepts their spec (security context,
 * read-only claim), and Pod status written through the API (no kubelet runs here) drives a success
 * and a checker stuck Pending.
 */
@RealControlPlane
class DataJobsIT {

  private static final String CLUSTER = "data-it";
  private final KubernetesClient client;
  private String namespace;
  private GuardedMutations mutations;
  private final DataJobs jobs = new DataJobs(DataTestSupport.properties());
  @TempDir Path claim;

  DataJobsIT(KubernetesClient client) {
    this.client = client;
  }

  @BeforeEach
  void createNamespaceAndClaim() {
    namespace = ControlPlane.uniqueName("data");
    InMemoryLedger ledger = new InMemoryLedger();
    SentinelNamespaces.createOwned(client, ledger, CLUSTER, "data", namespace);
    client
        .persistentVolumeClaims()
        .inNamespace(namespace)
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("canary-data")
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withNewResources()
                .addToRequests("storage", new Quantity("1Mi"))
                .endResources()
                .endSpec()
                .build())
        .create();
    // The Jobs land in a sentinel namespace the ledger owns, as the data claims do.
    mutations = new GuardedMutations(client, ledger);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client.serviceAccounts().inNamespace(namespace).withName("default").get() != null);
  }

  @AfterEach
  void deleteNamespace() {
    client.namespaces().withName(namespace).delete();
  }

  @Test
  void theApiServerAcceptsBothSpecsAsBuilt() {
    DataRecord record = DataTestSupport.record(namespace, "canary-data", "seed", 4096);
    for (Job job : new Job[] {jobs.writer(record, "seed"), jobs.checker(record)}) {
      MutationResult created = mutations.createOwnedJob(CLUSTER, job);
      assertThat(created).isInstanceOf(MutationResult.Done.class);
      Job live =
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(namespace)
              .withName(job.getMetadata().getName())
              .get();
      var pod = live.getSpec().getTemplate().getSpec();
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getContainers().get(0).getSecurityContext().getAllowPrivilegeEscalation())
          .isFalse();
      assertThat(live.getMetadata().getLabels())
          .containsEntry(GuardedMutations.OWNED_BY, GuardedMutations.OWNED_BY_VALUE);
      assertThat(mutations.createOwnedJob(CLUSTER, job))
          .as("create-only")
          .isInstanceOf(MutationResult.Refused.class);
      assertThat(
              mutations.deleteOwnedJob(
                  namespace, job.getMetadata().getName(), ((MutationResult.Done) created).uid()))
          .isInstanceOf(MutationResult.Done.class);
    }
    Job checker = jobs.checker(record);
    mutations.createOwnedJob(CLUSTER, checker);
    Job live =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(namespace)
            .withName(checker.getMetadata().getName())
            .get();
    assertThat(
            live.getSpec()
                .getTemplate()
                .getSpec()
                .getVolumes()
                .get(0)
                .getPersistentVolumeClaim()
                .getReadOnly())
        .isTrue();
  }

  @Test
  void podStatusWrittenThroughTheApiDrivesSuccessAndTheJobIsDeleted() throws Exception {
    DataRecord record = DataTestSupport.record(namespace, "canary-data", "seed", 4096);
    LocalContainer.run(jobs.writer(record, "seed"), claim);
    Job checker = jobs.checker(record);
    CompletableFuture<Void> kubelet =
        CompletableFuture.runAsync(
            () -> {
              awaitJob(checker);
              try {
                LocalContainer.Exit exit = LocalContainer.run(checker, claim);
                Pod pod = client.pods().resource(pod(checker)).create();
                pod.setStatus(
                    new PodStatusBuilder()
                        .withPhase("Succeeded")
                        .withContainerStatuses(
                            new ContainerStatusBuilder()
                                .withName("data-checker")
                                .withImage("busybox:1.37")
                                .withImageID("")
                                .withReady(false)
                                .withRestartCount(0)
                                .withNewState()
                                .withNewTerminated()
                                .withExitCode(exit.code())
                                .withReason("Completed")
                                .withMessage(exit.message())
                                .withStartedAt(Instant.now().toString())
                                .withFinishedAt(Instant.now().toString())
                                .endTerminated()
                                .endState()
                                .build())
                        .build());
                client.pods().resource(pod).updateStatus();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });

    JobOutcome outcome =
        new JobRunner(
                client,
                mutations,
                Clock.systemUTC(),
                Duration.ofSeconds(30),
                Duration.ofMillis(100))
            .run(CLUSTER, Map.of("c", checker))
            .get("c");
    kubelet.join();

    assertThat(outcome).isInstanceOf(JobOutcome.Succeeded.class);
    assertThat(DataContent.Report.parse(((JobOutcome.Succeeded) outcome).message()).sha256())
        .isEqualTo(record.expectedSha256());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.batch().v1().jobs().inNamespace(namespace).list().getItems().isEmpty());
  }

  @Test
  void aCheckerStuckPendingCannotRunAndSaysSo() {
    DataRecord record = DataTestSupport.record(namespace, "canary-data", "seed", 4096);
    Job checker = jobs.checker(record);
    CompletableFuture.runAsync(
        () -> {
          awaitJob(checker);
          client.pods().resource(pod(checker)).create();
        });

    JobOutcome outcome =
        new JobRunner(
                client, mutations, Clock.systemUTC(), Duration.ofSeconds(3), Duration.ofMillis(100))
            .run(CLUSTER, Map.of("c", checker))
            .get("c");

    assertThat(outcome).isInstanceOf(JobOutcome.CannotRun.class);
    assertThat(((JobOutcome.CannotRun) outcome).reason()).startsWith("Pending past PT3S");
  }

  private void awaitJob(Job job) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                client
                        .batch()
                        .v1()
                        .jobs()
                        .inNamespace(namespace)
                        .withName(job.getMetadata().getName())
                        .get()
                    != null);
  }

  private Pod pod(Job job) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(job.getMetadata().getName() + "-pod")
        .withNamespace(namespace)
        .addToLabels("job-name", job.getMetadata().getName())
        .endMetadata()
        .withSpec(job.getSpec().getTemplate().getSpec())
        .build();
  }
}
