package io.stagingcanary.seeding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one guarded write on objects the agent does not own: run-id/verdict annotations on an
 * ops-tool Job. Everything else is refused and leaves the object as it was.
 */
@EnableKubernetesMockClient(crud = true)
class JobAnnotationGuardTest {

  static final Map<String, String> ALLOWED =
      Map.of("stagingcanary.io/run-id", "run-1", "stagingcanary.io/verdict", "PASS");

  KubernetesClient client;
  GuardedMutations guard;

  @BeforeEach
  void setUp() {
    guard = new GuardedMutations(client, new InMemoryLedger());
  }

  Job job(String name, boolean opsTool) {
    JobBuilder builder =
        new JobBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("ops")
            .addToLabels("app", "cleanup")
            .addToAnnotations("owner", "platform-team")
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .withNewSpec()
            .addNewContainer()
            .withName("tool")
            .withImage("registry.example/cleanup:1.0")
            .endContainer()
            .withRestartPolicy("Never")
            .endSpec()
            .endTemplate()
            .endSpec();
    if (opsTool) {
      builder.editMetadata().addToLabels(GuardedMutations.OPS_TOOL_LABEL, "cleanup").endMetadata();
    }
    return client.batch().v1().jobs().inNamespace("ops").resource(builder.build()).create();
  }

  Job live(String name) {
    return client.batch().v1().jobs().inNamespace("ops").withName(name).get();
  }

  @Test
  void annotatesAnOpsToolJobWithRunIdAndVerdictOnly() {
    Job job = job("cleanup-1", true);

    MutationResult result =
        guard.annotateOpsToolJob("ops", "cleanup-1", job.getMetadata().getUid(), ALLOWED);

    assertThat(result).isInstanceOf(MutationResult.Done.class);
    Job after = live("cleanup-1");
    assertThat(after.getMetadata().getAnnotations())
        .containsEntry("stagingcanary.io/run-id", "run-1")
        .containsEntry("stagingcanary.io/verdict", "PASS")
        .containsEntry("owner", "platform-team")
        .hasSize(3);
    assertThat(after.getMetadata().getLabels()).isEqualTo(job.getMetadata().getLabels());
    assertThat(after.getSpec()).isEqualTo(job.getSpec());
    assertThat(after.getMetadata().getUid()).isEqualTo(job.getMetadata().getUid());
  }

  @Test
  void refusesAJobWithoutTheOpsToolLabel() {
    Job job = job("someone-elses", false);

    MutationResult result =
        guard.annotateOpsToolJob("ops", "someone-elses", job.getMetadata().getUid(), ALLOWED);

    assertThat(result).isInstanceOf(MutationResult.Refused.class);
    assertThat(((MutationResult.Refused) result).reason()).contains("does not carry");
    assertThat(live("someone-elses")).isEqualTo(job);
  }

  @Test
  void refusesAnotherJobOfTheSameName() {
    Job job = job("cleanup-2", true);

    MutationResult result = guard.annotateOpsToolJob("ops", "cleanup-2", "not-its-uid", ALLOWED);

    assertThat(result).isInstanceOf(MutationResult.Refused.class);
    assertThat(live("cleanup-2")).isEqualTo(job);
  }

  @Test
  void refusesAGoneJob() {
    assertThat(guard.annotateOpsToolJob("ops", "absent", "uid", ALLOWED))
        .isInstanceOf(MutationResult.Refused.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "stagingcanary.io/other",
        "stagingcanary.io/sentinel",
        "owner",
        "kubectl.kubernetes.io/last-applied-configuration"
      })
  void refusesAnyOtherAnnotationKeyAndWritesNothing(String key) {
    Job job = job("cleanup-3", true);
    Map<String, String> annotations = Map.of("stagingcanary.io/run-id", "run-1", key, "x");

    assertThatThrownBy(
            () ->
                guard.annotateOpsToolJob(
                    "ops", "cleanup-3", job.getMetadata().getUid(), annotations))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key);
    assertThat(live("cleanup-3")).isEqualTo(job);
  }

  @Test
  void refusesEmptyAnnotationsBlankValuesAndAMissingUid() {
    Job job = job("cleanup-4", true);
    String uid = job.getMetadata().getUid();
    assertThatThrownBy(() -> guard.annotateOpsToolJob("ops", "cleanup-4", uid, Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                guard.annotateOpsToolJob(
                    "ops", "cleanup-4", uid, Map.of("stagingcanary.io/verdict", " ")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> guard.annotateOpsToolJob("ops", "cleanup-4", null, ALLOWED))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(live("cleanup-4")).isEqualTo(job);
  }

  @Test
  void onlyJobsCanBeTargeted() {
    client
        .configMaps()
        .inNamespace("ops")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("cleanup-5")
                .addToLabels(GuardedMutations.OPS_TOOL_LABEL, "cleanup")
                .endMetadata()
                .build())
        .create();
    String uid =
        client.configMaps().inNamespace("ops").withName("cleanup-5").get().getMetadata().getUid();

    assertThat(guard.annotateOpsToolJob("ops", "cleanup-5", uid, ALLOWED))
        .as("a same-named ConfigMap is not a Job")
        .isInstanceOf(MutationResult.Refused.class);
    assertThat(
            client
                .configMaps()
                .inNamespace("ops")
                .withName("cleanup-5")
                .get()
                .getMetadata()
                .getAnnotations())
        .isNullOrEmpty();
  }
}
