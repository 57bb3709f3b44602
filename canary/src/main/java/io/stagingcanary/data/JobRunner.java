package io.stagingcanary.data;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stagingcanary.seeding.GuardedMutations;
import io.stagingcanary.seeding.MutationResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Jobs through the guarded path, follows their Pods until each ends or the timeout passes,
 * reads the termination messages from the Pod status, and deletes the Jobs again (their TTL is the
 * backstop). No kubelet is needed to test it: whatever sets the Pod status drives it.
 */
final class JobRunner {

  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
  private static final Set<String> IMAGE_PULL_FAILURES =
      Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull");

  private final KubernetesClient client;
  private final GuardedMutations mutations;
  private final Clock clock;
  private final Duration timeout;
  private final Duration pollInterval;

  JobRunner(
      KubernetesClient client,
      GuardedMutations mutations,
      Clock clock,
      Duration timeout,
      Duration pollInterval) {
    this.client = client;
    this.mutations = mutations;
    this.clock = clock;
    this.timeout = timeout;
    this.pollInterval = pollInterval;
  }

  /**
   * Runs the Jobs side by side; every Job gets an outcome. A Job whose namespace is not the
   * canary's to write into (see {@link GuardedMutations#createOwnedJob}) cannot run.
   */
  <K> Map<K, JobOutcome> run(String clusterId, Map<K, Job> jobs) {
    Map<K, JobOutcome> outcomes = new LinkedHashMap<>();
    Map<K, Job> running = new LinkedHashMap<>();
    Map<K, String> uids = new LinkedHashMap<>();
    jobs.forEach(
        (key, job) -> {
          try {
            MutationResult result = mutations.createOwnedJob(clusterId, job);
            if (result instanceof MutationResult.Done done) {
              running.put(key, job);
              uids.put(key, done.uid());
            } else {
              outcomes.put(
                  key, new JobOutcome.CannotRun(((MutationResult.Refused) result).reason()));
            }
          } catch (KubernetesClientException e) {
            outcomes.put(key, new JobOutcome.CannotRun("cannot create the Job: " + e.getMessage()));
          }
        });
    Instant deadline = clock.instant().plus(timeout);
    Map<K, String> pendingReasons = new LinkedHashMap<>();
    while (!running.isEmpty()) {
      for (K key : List.copyOf(running.keySet())) {
        Job job = running.get(key);
        JobOutcome outcome;
        try {
          outcome = poll(job, reason -> pendingReasons.put(key, reason));
        } catch (KubernetesClientException e) {
          outcome = null;
          pendingReasons.put(key, "cannot read the Job: " + e.getMessage());
        }
        if (outcome != null) {
          outcomes.put(key, outcome);
          running.remove(key);
        }
      }
      if (running.isEmpty()) {
        break;
      }
      if (!clock.instant().isBefore(deadline)) {
        running
            .keySet()
            .forEach(
                key ->
                    outcomes.put(
                        key,
                        new JobOutcome.CannotRun(
                            "Pending past "
                                + timeout
                                + ": "
                                + pendingReasons.getOrDefault(key, "no Pod ran"))));
        break;
      }
      sleep();
    }
    jobs.forEach((key, job) -> delete(job, uids.get(key)));
    return outcomes;
  }

  private JobOutcome poll(Job job, Consumer<String> pendingReason) {
    String namespace = job.getMetadata().getNamespace();
    String name = job.getMetadata().getName();
    Job live = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
    if (live == null) {
      return new JobOutcome.CannotRun("the Job " + name + " disappeared");
    }
    List<Pod> pods =
        client.pods().inNamespace(namespace).withLabel("job-name", name).list().getItems();
    if (pods.isEmpty()) {
      pendingReason.accept("no Pod created for Job " + name);
    }
    for (Pod pod : pods) {
      String podReason =
          "Pod "
              + pod.getMetadata().getName()
              + " is "
              + (pod.getStatus() == null ? "without status" : pod.getStatus().getPhase());
      List<ContainerStatus> statuses =
          pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
      if (statuses != null) {
        for (ContainerStatus status : statuses) {
          ContainerStateTerminated terminated =
              status.getState() == null ? null : status.getState().getTerminated();
          if (terminated != null) {
            return terminated.getExitCode() != null && terminated.getExitCode() == 0
                ? new JobOutcome.Succeeded(terminated.getMessage())
                : new JobOutcome.Failed(
                    "exit code "
                        + terminated.getExitCode()
                        + (terminated.getMessage() == null
                            ? ""
                            : ": " + terminated.getMessage().strip()));
          }
          ContainerStateWaiting waiting =
              status.getState() == null ? null : status.getState().getWaiting();
          if (waiting != null && IMAGE_PULL_FAILURES.contains(waiting.getReason())) {
            return new JobOutcome.CannotRun(
                "image pull failure ("
                    + waiting.getReason()
                    + (waiting.getMessage() == null ? "" : ": " + waiting.getMessage())
                    + ")");
          }
        }
      }
      if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
        for (PodCondition condition : pod.getStatus().getConditions()) {
          if ("PodScheduled".equals(condition.getType()) && "False".equals(condition.getStatus())) {
            String message = String.valueOf(condition.getMessage());
            String lower = message.toLowerCase(Locale.ROOT);
            podReason =
                (lower.contains("persistentvolumeclaim") || lower.contains("volume")
                        ? "no storage: "
                        : "unschedulable: ")
                    + message;
          }
        }
      }
      pendingReason.accept(podReason);
    }
    if (live.getStatus() != null && live.getStatus().getConditions() != null) {
      for (JobCondition condition : live.getStatus().getConditions()) {
        if ("Failed".equals(condition.getType()) && "True".equals(condition.getStatus())) {
          return new JobOutcome.Failed(
              "Job failed: " + condition.getReason() + " " + condition.getMessage());
        }
      }
    }
    return null;
  }

  private void delete(Job job, String uid) {
    if (uid == null) {
      return;
    }
    String namespace = job.getMetadata().getNamespace();
    String name = job.getMetadata().getName();
    try {
      MutationResult result = mutations.deleteOwnedJob(namespace, name, uid);
      if (result instanceof MutationResult.Refused refused) {
        log.debug("Job {}/{} not deleted: {}", namespace, name, refused.reason());
      }
    } catch (KubernetesClientException e) {
      log.warn("Job {}/{} not deleted, its TTL will: {}", namespace, name, e.getMessage());
    }
  }

  private void sleep() {
    try {
      Thread.sleep(pollInterval.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Jobs", e);
    }
  }
}
