package io.stagingcanary.data;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.stagingcanary.seeding.GuardedMutations;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the writer and checker Jobs of a sentinel PVC: unprivileged, one try, cleaned by TTL. */
final class DataJobs {

  static final String WRITER = "data-writer";
  static final String CHECKER = "data-checker";

  /** Label holding a short hash of the claim (claim names may be longer than a label value). */
  static final String CLAIM_HASH = "stagingcanary.io/claim-hash";

  static final long RUN_AS = 65534;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final DataProperties properties;

  DataJobs(DataProperties properties) {
    this.properties = properties;
  }

  /** Mounts the claim read-write and writes the content of {@code seed}. */
  Job writer(DataRecord record, String seed) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SEED", seed);
    env.put("SIZE", Long.toString(record.sizeBytes()));
    return job(record, WRITER, DataContent.writerScript(), env, false);
  }

  /** Mounts the claim read-only and reports the digest of what is there. */
  Job checker(DataRecord record) {
    return job(record, CHECKER, DataContent.checkerScript(), Map.of(), true);
  }

  private Job job(
      DataRecord record, String role, String script, Map<String, String> env, boolean readOnly) {
    String claimHash =
        DataContent.sha256Hex(
                (record.namespace() + "/" + record.claim()).getBytes(StandardCharsets.UTF_8))
            .substring(0, 10);
    byte[] suffix = new byte[3];
    RANDOM.nextBytes(suffix);
    String name = "canary-" + role + "-" + claimHash + "-" + HexFormat.of().formatHex(suffix);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(GuardedMutations.OWNED_BY, GuardedMutations.OWNED_BY_VALUE);
    labels.put(GuardedMutations.ROLE, role);
    labels.put(CLAIM_HASH, claimHash);
    long timeoutSeconds = Math.max(1, properties.jobTimeout().toSeconds());
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(record.namespace())
        .withLabels(labels)
        .addToAnnotations("stagingcanary.io/claim", record.claim())
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withActiveDeadlineSeconds(timeoutSeconds * 2)
        .withTtlSecondsAfterFinished((int) properties.jobTtl().toSeconds())
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(RUN_AS)
        .withRunAsGroup(RUN_AS)
        .withFsGroup(RUN_AS)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewContainer()
        .withName(role)
        .withImage(properties.image())
        .withCommand("sh", "-c", script)
        .withEnv(
            env.entrySet().stream()
                .map(
                    e -> new io.fabric8.kubernetes.api.model.EnvVar(e.getKey(), e.getValue(), null))
                .toList())
        .withTerminationMessagePolicy("File")
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withPrivileged(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities()
        .addToDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .withNewResources()
        .addToRequests("cpu", new Quantity("10m"))
        .addToRequests("memory", new Quantity("16Mi"))
        .addToLimits("memory", new Quantity("64Mi"))
        .endResources()
        .addNewVolumeMount()
        .withName("data")
        .withMountPath(DataContent.MOUNT)
        .withReadOnly(readOnly)
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName("data")
        .withNewPersistentVolumeClaim()
        .withClaimName(record.claim())
        .withReadOnly(readOnly)
        .endPersistentVolumeClaim()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
