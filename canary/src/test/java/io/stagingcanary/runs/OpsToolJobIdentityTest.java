package io.stagingcanary.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import org.junit.jupiter.api.Test;

/** An in-cluster run acts as its Job's service account: the identity its report checks. */
class OpsToolJobIdentityTest {

  static Job job(String serviceAccount) {
    return new JobBuilder()
        .withNewMetadata()
        .withNamespace("ops")
        .withName("prune-users-1")
        .endMetadata()
        .withNewSpec()
        .withNewTemplate()
        .withNewSpec()
        .withServiceAccountName(serviceAccount)
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  @Test
  void theJobsServiceAccountIsTheRunsIdentity() {
    assertThat(OpsToolWatcher.serviceAccount(job("prune-users")))
        .isEqualTo("system:serviceaccount:ops:prune-users");
  }

  @Test
  void aJobNamingNoServiceAccountActsAsTheNamespacesDefault() {
    assertThat(OpsToolWatcher.serviceAccount(job(null)))
        .isEqualTo("system:serviceaccount:ops:default");
    assertThat(OpsToolWatcher.serviceAccount(job(" ")))
        .isEqualTo("system:serviceaccount:ops:default");
  }
}
