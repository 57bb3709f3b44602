package io.stagingcanary.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.stagingcanary.seeding.GuardedMutations;
import io.stagingcanary.seeding.InMemoryLedger;
import io.stagingcanary.seeding.MutationResult;
import io.stagingcanary.seeding.SentinelNamespaces;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writer and checker Jobs on the CRUD mock server: their spec, and their Pod status driven through
 * the API (no kubelet) to simulate success, a mismatch, a checker stuck Pending and an image pull
 * failure.
 */
@EnableKubernetesMockClient(crud = true)
class JobRunnerTest {

  static final String NS = "canary-acme";
  static final String CLUSTER = "cluster-1";

  KubernetesClient client;
  GuardedMutations mutations;
  DataJobs jobs;
  @TempDir Path claim;

  @BeforeEach
  void setUp() {
    InMemoryLedger ledger = new InMemoryLedger();
    SentinelNamespaces.createOwned(client, ledger, CLUSTER, "sandbox", NS);
    mutations = new GuardedMutations(client, ledger);
    jobs = new DataJobs(DataTestSupport.properties());
  }

  @Test
  void writerAndCheckerSpecsMountTheClaimUnprivilegedAndLabelledAsTheCanarysOwn() {
    DataRecord record = record(4096);
    Job writer = jobs.writer(record, "seed");
    Job checker = jobs.checker(record);

    for (Job job : List.of(writer, checker)) {
      assertThat(job.getMetadata().getLabels())
          .containsEntry(GuardedMutations.OWNED_BY, GuardedMutations.OWNED_BY_VALUE)
          .doesNotContainKey("stagingcanary.io/sentinel");
      assertThat(job.getSpec().getBackoffLimit()).isZero();
      assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(600);
      PodSpec pod = job.getSpec().getTemplate().getSpec();
      assertThat(pod.getRestartPolicy()).isEqualTo("Never");
      assertThat(pod.getAutomountServiceAccountToken()).isFalse();
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65534L);
      assertThat(pod.getSecurityContext().getSeccompProfile().getType())
          .isEqualTo("RuntimeDefault");
      var container = pod.getContainers().get(0);
      assertThat(container.getImage()).isEqualTo("busybox:1.37");
      assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(container.getSecurityContext().getPrivileged()).isFalse();
      assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(pod.getVolumes().get(0).getPersistentVolumeClaim().getClaimName())
          .isEqualTo("canary-data");
      assertThat(container.getVolumeMounts().get(0).getMountPath()).isEqualTo("/data");
    }
    assertThat(writer.getMetadata().getLabels())
        .containsEntry(GuardedMutations.ROLE, "data-writer");
    assertThat(checker.getMetadata().getLabels())
        .containsEntry(GuardedMutations.ROLE, "data-checker");
    assertThat(volumeReadOnly(writer)).isFalse();
    assertThat(volumeReadOnly(checker)).isTrue();
    assertThat(checker.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
        .allSatisfy(m -> assertThat(m.getReadOnly()).isTrue());
  }

  @Test
  void succeededCheckerReportsItsTerminationMessageAndTheJobIsDeleted() throws Exception {
    DataRecord record = record(4096);
    Job checker = jobs.checker(record);
    LocalContainer.run(jobs.writer(record, "seed"), claim);
    CompletableFuture<Void> kubelet = kubelet(checker, true);

    Map<String, JobOutcome> outcomes =
        runner(Duration.ofSeconds(20)).run(CLUSTER, Map.of("c", checker));
    kubelet.get(5, TimeUnit.SECONDS);

    JobOutcome.Succeeded ok = (JobOutcome.Succeeded) outcomes.get("c");
    assertThat(DataContent.Report.parse(ok.message()).sha256()).isEqualTo(record.expectedSha256());
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems())
        .as("deleted after completion")
        .isEmpty();
  }

  @Test
  void mismatchIsReportedAsTheDigestTheCheckerSaw() throws Exception {
    DataRecord record = record(4096);
    Job checker = jobs.checker(record);
    LocalContainer.run(jobs.writer(record, "another seed"), claim);
    kubelet(checker, true);

    JobOutcome outcome = runner(Duration.ofSeconds(20)).run(CLUSTER, Map.of("c", checker)).get("c");

    String seen = DataContent.Report.parse(((JobOutcome.Succeeded) outcome).message()).sha256();
    assertThat(seen).hasSize(64).isNotEqualTo(record.expectedSha256());
  }

  @Test
  void checkerStuckPendingCannotRunPastTheTimeoutAndSaysWhy() {
    Job checker = jobs.checker(record(4096));
    CompletableFuture.runAsync(
        () -> {
          awaitJob(checker);
          Pod pod = pod(checker);
          pod.setStatus(
              new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                  .withPhase("Pending")
                  .addNewCondition()
                  .withType("PodScheduled")
                  .withStatus("False")
                  .withReason("Unschedulable")
                  .withMessage(
                      "0/0 nodes are available: pod has unbound immediate PersistentVolumeClaims")
                  .endCondition()
                  .build());
          client.pods().resource(pod).create();
        });

    JobOutcome outcome =
        runner(Duration.ofMillis(1500)).run(CLUSTER, Map.of("c", checker)).get("c");

    assertThat(outcome).isInstanceOf(JobOutcome.CannotRun.class);
    assertThat(((JobOutcome.CannotRun) outcome).reason())
        .startsWith("Pending past PT1.5S")
        .contains("no storage")
        .contains("unbound immediate PersistentVolumeClaims");
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
  }

  @Test
  void imagePullFailureCannotRunAtOnce() {
    Job checker = jobs.checker(record(4096));
    CompletableFuture.runAsync(
        () -> {
          awaitJob(checker);
          Pod pod = pod(checker);
          pod.setStatus(
              new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                  .withPhase("Pending")
                  .withContainerStatuses(
                      new ContainerStatusBuilder()
                          .withName("data-checker")
                          .withNewState()
                          .withNewWaiting()
                          .withReason("ImagePullBackOff")
                          .withMessage("Back-off pulling image busybox:1.37")
                          .endWaiting()
                          .endState()
                          .build())
                  .build());
          client.pods().resource(pod).create();
        });

    JobOutcome outcome = runner(Duration.ofSeconds(20)).run(CLUSTER, Map.of("c", checker)).get("c");

    assertThat(((JobOutcome.CannotRun) outcome).reason())
        .startsWith("image pull failure (ImagePullBackOff");
  }

  @Test
  void onlyTheCanarysOwnJobsCanBeDeletedAndOnlyWithTheirUid() {
    Job foreign =
        new JobBuilder()
            .withNewMetadata()
            .withName("ops-tool")
            .withNamespace(NS)
            .addToLabels(GuardedMutations.ROLE, "data-checker")
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .endTemplate()
            .endSpec()
            .build();
    client.batch().v1().jobs().resource(foreign).create();
    String foreignUid =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(NS)
            .withName("ops-tool")
            .get()
            .getMetadata()
            .getUid();

    assertThat(mutations.deleteOwnedJob(NS, "ops-tool", foreignUid))
        .isInstanceOf(MutationResult.Refused.class);
    assertThat(client.batch().v1().jobs().inNamespace(NS).withName("ops-tool").get()).isNotNull();

    Job checker = jobs.checker(record(4096));
    MutationResult created = mutations.createOwnedJob(CLUSTER, checker);
    assertThat(created).isInstanceOf(MutationResult.Done.class);
    String name = checker.getMetadata().getName();
    assertThat(mutations.deleteOwnedJob(NS, name, "not-its-uid"))
        .isInstanceOf(MutationResult.Refused.class);
    assertThat(mutations.deleteOwnedJob(NS, name, ((MutationResult.Done) created).uid()))
        .isInstanceOf(MutationResult.Done.class);
  }

  @Test
  void aJobWithoutTheOwnedLabelsOrWithTheSentinelLabelIsNeverCreated() {
    Job job = jobs.checker(record(4096));
    job.getMetadata().getLabels().put("stagingcanary.io/sentinel", "true");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> mutations.createOwnedJob(CLUSTER, job))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not carry stagingcanary.io/sentinel");
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
  }

  @Test
  void aJobInANamespaceTheCanaryDoesNotOwnIsNeverCreated() {
    SentinelNamespaces.createForeign(client, "team-payments", true);
    DataRecord record = DataTestSupport.record("team-payments", "canary-data", "seed", 4096);
    Job checker = jobs.checker(record);

    JobOutcome outcome = runner(Duration.ofSeconds(5)).run(CLUSTER, Map.of("c", checker)).get("c");

    assertThat(outcome)
        .isInstanceOfSatisfying(
            JobOutcome.CannotRun.class,
            c ->
                assertThat(c.reason())
                    .contains("namespace team-payments (uid ")
                    .contains("neither a sentinel namespace in the ledger"));
    assertThat(client.batch().v1().jobs().inNamespace("team-payments").list().getItems()).isEmpty();
    assertThat(
            mutations.createOwnedJob(
                CLUSTER,
                jobs.writer(
                    DataTestSupport.record("kube-system", "canary-data", "seed", 4096), "seed")))
        .isInstanceOfSatisfying(
            MutationResult.Refused.class,
            r -> assertThat(r.target()).isEqualTo(MutationResult.Target.NAMESPACE));
    assertThat(client.batch().v1().jobs().inNamespace("kube-system").list().getItems()).isEmpty();
  }

  private JobRunner runner(Duration timeout) {
    return new JobRunner(client, mutations, Clock.systemUTC(), timeout, Duration.ofMillis(50));
  }

  /** A stand-in kubelet: once the Job exists, runs its container locally and reports the exit. */
  private CompletableFuture<Void> kubelet(Job job, boolean run) {
    return CompletableFuture.runAsync(
        () -> {
          awaitJob(job);
          try {
            LocalContainer.Exit exit = LocalContainer.run(job, claim);
            Pod pod = pod(job);
            pod.setStatus(
                new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                    .withPhase(exit.code() == 0 ? "Succeeded" : "Failed")
                    .withContainerStatuses(
                        new ContainerStatusBuilder()
                            .withName("data-checker")
                            .withNewState()
                            .withNewTerminated()
                            .withExitCode(exit.code())
                            .withMessage(exit.message())
                            .endTerminated()
                            .endState()
                            .build())
                    .build());
            client.pods().resource(pod).create();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private void awaitJob(Job job) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                client
                        .batch()
                        .v1()
                        .jobs()
                        .inNamespace(NS)
                        .withName(job.getMetadata().getName())
                        .get()
                    != null);
  }

  private static Pod pod(Job job) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(job.getMetadata().getName() + "-x1")
        .withNamespace(NS)
        .addToLabels("job-name", job.getMetadata().getName())
        .endMetadata()
        .withSpec(job.getSpec().getTemplate().getSpec())
        .build();
  }

  private static boolean volumeReadOnly(Job job) {
    return Boolean.TRUE.equals(
        job.getSpec()
            .getTemplate()
            .getSpec()
            .getVolumes()
            .get(0)
            .getPersistentVolumeClaim()
            .getReadOnly());
  }

  private static DataRecord record(long size) {
    return DataTestSupport.record(NS, "canary-data", "seed", size);
  }
}
