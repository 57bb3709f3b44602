package io.stagingcanary.runs;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stagingcanary.leader.Leadership;
import io.stagingcanary.metrics.CanaryMetrics;
import io.stagingcanary.platform.ComponentExecutor;
import io.stagingcanary.platform.ComponentExecutors;
import io.stagingcanary.seeding.GuardedMutations;
import io.stagingcanary.seeding.MutationResult;
import io.stagingcanary.seeding.SeedingCompleted;
import io.stagingcanary.verification.VerificationRequests;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * In-cluster ops-tool runs without CI: in {@code canary.runs.watch-namespaces}, a Job labelled
 * {@code stagingcanary.io/ops-tool=<tool>} (also one a CronJob created) is bracketed: the run
 * begins when the Job has started and completes (settle, after snapshot, verdict) when it finished;
 * the Job gets {@code stagingcanary.io/run-id} and {@code stagingcanary.io/verdict}. A changed
 * pod-template image of a labelled CronJob or Deployment is recorded as a deployment of the tool,
 * followed by an immediate verification. Only the leader acts.
 */
@Component
class OpsToolWatcher implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(OpsToolWatcher.class);
  static final String RUN_ID = "stagingcanary.io/run-id";
  static final String VERDICT = "stagingcanary.io/verdict";

  private final RunsProperties properties;
  private final KubernetesClient client;
  private final RunService runs;
  private final RunStore store;
  private final GuardedMutations guard;
  private final Leadership leadership;
  private final CanaryMetrics metrics;
  private final VerificationRequests verifications;
  private final Clock clock;
  private final ComponentExecutor poller;
  private final ComponentExecutor completions;
  private final Map<String, String> runOfJob = new ConcurrentHashMap<>();
  private final Set<String> completing = ConcurrentHashMap.newKeySet();
  private final Set<String> skipped = ConcurrentHashMap.newKeySet();
  private final Map<String, String> images = new ConcurrentHashMap<>();
  private final Map<String, String> deployedVersions = new ConcurrentHashMap<>();
  private volatile String clusterId;

  OpsToolWatcher(
      RunsProperties properties,
      KubernetesClient client,
      RunService runs,
      RunStore store,
      GuardedMutations guard,
      Leadership leadership,
      CanaryMetrics metrics,
      VerificationRequests verifications,
      Clock clock,
      ComponentExecutors executors) {
    this.properties = properties;
    this.client = client;
    this.runs = runs;
    this.store = store;
    this.guard = guard;
    this.leadership = leadership;
    this.metrics = metrics;
    this.verifications = verifications;
    this.clock = clock;
    this.poller = executors.single("ops-tools");
    this.completions = executors.pool("job-runs", 2);
  }

  @EventListener
  public void onSeeded(SeedingCompleted completed) {
    clusterId = completed.cluster().id();
    if (properties.watchNamespaces().isEmpty()) {
      log.info("No canary.runs.watch-namespaces: in-cluster ops-tool runs are not bracketed");
      return;
    }
    poller.scheduleWithFixedDelay(this::pollSafely, Duration.ZERO, properties.jobPollInterval());
    log.info(
        "Bracketing ops-tool Jobs labelled {} in namespaces {}",
        GuardedMutations.OPS_TOOL_LABEL,
        properties.watchNamespaces());
  }

  /** The version the latest recorded deployment of a tool runs, if any. */
  Optional<String> deployedVersion(String tool) {
    return Optional.ofNullable(deployedVersions.get(tool));
  }

  private void pollSafely() {
    if (!leadership.isLeader()) {
      return;
    }
    for (String namespace : properties.watchNamespaces()) {
      try {
        pollTemplates(namespace);
        pollJobs(namespace);
      } catch (KubernetesClientException e) {
        log.warn("Cannot list ops tools in namespace {}: {}", namespace, e.getMessage());
      } catch (RuntimeException e) {
        log.error("Ops-tool poll of namespace {} failed", namespace, e);
      }
    }
  }

  // ---- Jobs

  private void pollJobs(String namespace) {
    for (Job job :
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(namespace)
            .withLabel(GuardedMutations.OPS_TOOL_LABEL)
            .list()
            .getItems()) {
      handle(job);
    }
  }

  private void handle(Job job) {
    String uid = job.getMetadata().getUid();
    String name = job.getMetadata().getNamespace() + "/" + job.getMetadata().getName();
    Map<String, String> annotations =
        job.getMetadata().getAnnotations() == null ? Map.of() : job.getMetadata().getAnnotations();
    if (annotations.containsKey(VERDICT) || skipped.contains(uid) || completing.contains(uid)) {
      return;
    }
    String tool = job.getMetadata().getLabels().get(GuardedMutations.OPS_TOOL_LABEL);
    boolean finished = finished(job);
    String runId = runOfJob.get(uid);
    if (runId == null) {
      Optional<ToolRun> known = store.findByJobUid(uid);
      if (known.isPresent()) {
        runId = known.get().id();
        runOfJob.put(uid, runId);
      }
    }
    if (runId == null) {
      if (finished) {
        skipped.add(uid);
        log.warn(
            "Job {} of ops tool {} finished before the agent saw it start: no baseline, not judged",
            name,
            tool);
        return;
      }
      if (!started(job)) {
        return;
      }
      ToolRun run =
          runs.begin(
              new RunService.BeginRequest(
                  tool,
                  version(tool, job.getSpec().getTemplate()),
                  null,
                  null,
                  null,
                  true,
                  ToolRun.Source.JOB,
                  new ToolRun.JobRef(
                      job.getMetadata().getNamespace(), job.getMetadata().getName(), uid),
                  serviceAccount(job)));
      runOfJob.put(uid, run.id());
      annotate(job, Map.of(RUN_ID, run.id()));
      return;
    }
    if (finished) {
      String id = runId;
      int exitCode = failed(job) ? 1 : 0;
      completing.add(uid);
      completions.execute(() -> completeJobRun(job, id, exitCode));
    }
  }

  private void completeJobRun(Job job, String runId, int exitCode) {
    String uid = job.getMetadata().getUid();
    try {
      ToolRun run = runs.complete(runId, exitCode, null);
      if (leadership.isLeader()) {
        annotate(job, Map.of(RUN_ID, runId, VERDICT, run.verdict().name()));
      }
      runOfJob.remove(uid);
    } catch (RuntimeException e) {
      log.warn("Run {} of Job {}: completing failed, will retry: {}", runId, uid, e.getMessage());
    } finally {
      completing.remove(uid);
    }
  }

  private void annotate(Job job, Map<String, String> annotations) {
    MutationResult result =
        guard.annotateOpsToolJob(
            job.getMetadata().getNamespace(),
            job.getMetadata().getName(),
            job.getMetadata().getUid(),
            annotations);
    if (result instanceof MutationResult.Refused refused) {
      log.warn(
          "Job {}/{} not annotated with {}: {}",
          job.getMetadata().getNamespace(),
          job.getMetadata().getName(),
          annotations,
          refused.reason());
    }
  }

  static boolean started(Job job) {
    var status = job.getStatus();
    return status != null
        && (status.getStartTime() != null
            || (status.getActive() != null && status.getActive() > 0));
  }

  static boolean finished(Job job) {
    return condition(job, "Complete") || condition(job, "Failed");
  }

  static boolean failed(Job job) {
    return condition(job, "Failed");
  }

  private static boolean condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return false;
    }
    for (JobCondition c : job.getStatus().getConditions()) {
      if (type.equals(c.getType()) && "True".equals(c.getStatus())) {
        return true;
      }
    }
    return false;
  }

  private String version(String tool, PodTemplateSpec template) {
    String image = image(template);
    String tag = tag(image);
    if (tag != null) {
      return tag;
    }
    return deployedVersion(tool).orElse(image == null ? "unknown" : image);
  }

  // ---- CronJobs and Deployments

  private void pollTemplates(String namespace) {
    for (var cronJob :
        client
            .batch()
            .v1()
            .cronjobs()
            .inNamespace(namespace)
            .withLabel(GuardedMutations.OPS_TOOL_LABEL)
            .list()
            .getItems()) {
      observeImage(
          "CronJob",
          namespace,
          cronJob.getMetadata().getName(),
          cronJob.getMetadata().getLabels().get(GuardedMutations.OPS_TOOL_LABEL),
          image(cronJob.getSpec().getJobTemplate().getSpec().getTemplate()));
    }
    for (var deployment :
        client
            .apps()
            .deployments()
            .inNamespace(namespace)
            .withLabel(GuardedMutations.OPS_TOOL_LABEL)
            .list()
            .getItems()) {
      observeImage(
          "Deployment",
          namespace,
          deployment.getMetadata().getName(),
          deployment.getMetadata().getLabels().get(GuardedMutations.OPS_TOOL_LABEL),
          image(deployment.getSpec().getTemplate()));
    }
  }

  private void observeImage(String kind, String namespace, String name, String tool, String image) {
    if (image == null || clusterId == null) {
      return;
    }
    String key = kind + "/" + namespace + "/" + name;
    String known = images.get(key);
    if (known == null) {
      known =
          store
              .latestDeployment(clusterId, kind, namespace, name)
              .map(RunStore.Deployment::newImage)
              .orElse(null);
      if (known == null) {
        images.put(key, image);
        Optional.ofNullable(tag(image)).ifPresent(v -> deployedVersions.putIfAbsent(tool, v));
        return;
      }
    }
    if (known.equals(image)) {
      images.put(key, image);
      return;
    }
    store.insertDeployment(
        new RunStore.Deployment(
            UUID.randomUUID().toString(),
            clusterId,
            tool,
            kind,
            namespace,
            name,
            known,
            image,
            clock.instant().truncatedTo(ChronoUnit.MICROS)));
    images.put(key, image);
    Optional.ofNullable(tag(image)).ifPresent(v -> deployedVersions.put(tool, v));
    metrics.toolDeployed(tool);
    log.info(
        "Ops tool {} deployed: {} {}/{} image {} -> {}", tool, kind, namespace, name, known, image);
    completions.execute(
        () -> {
          try {
            verifications.verifyNow();
          } catch (RuntimeException e) {
            log.warn("Verification after the deployment of {} failed: {}", tool, e.getMessage());
          }
        });
  }

  static String image(PodTemplateSpec template) {
    if (template == null || template.getSpec() == null) {
      return null;
    }
    List<Container> containers = template.getSpec().getContainers();
    return containers == null || containers.isEmpty() ? null : containers.get(0).getImage();
  }

  /** The tag of an image reference ({@code repo/tool:1.2 -> 1.2}), or null. */
  static String tag(String image) {
    if (image == null) {
      return null;
    }
    String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int colon = withoutDigest.lastIndexOf(':');
    int slash = withoutDigest.lastIndexOf('/');
    return colon > slash ? withoutDigest.substring(colon + 1) : null;
  }

  @Override
  public void destroy() {
    poller.close();
    completions.close();
  }

  /** The user a Job's pods act as: its service account ({@code default} when none is named). */
  static String serviceAccount(Job job) {
    String account =
        job.getSpec().getTemplate().getSpec() == null
            ? null
            : job.getSpec().getTemplate().getSpec().getServiceAccountName();
    return "system:serviceaccount:"
        + job.getMetadata().getNamespace()
        + ":"
        + (account == null || account.isBlank() ? "default" : account);
  }
}
