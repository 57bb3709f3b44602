package io.stagingcanary.seeding;

import static io.stagingcanary.seeding.MutationResult.Operation.ANNOTATE_JOB;
import static io.stagingcanary.seeding.MutationResult.Operation.CREATE;
import static io.stagingcanary.seeding.MutationResult.Operation.DELETE;
import static io.stagingcanary.seeding.MutationResult.Operation.UPDATE;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stagingcanary.cluster.Kinds;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.fixtures.FixtureCatalog;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.fixtures.SentinelLabels;
import io.stagingcanary.fixtures.SentinelSet;
import io.stagingcanary.fixtures.SystemNamespaces;
import io.stagingcanary.leader.Leadership;
import io.stagingcanary.store.Ledger;
import io.stagingcanary.store.LedgerEntry;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The one path through which the agent writes to a cluster (strict ownership matching).
 *
 * <ul>
 *   <li>namespaced create and update, and the canary's own Jobs: only inside a namespace that is a
 *       sentinel the ledger owns (the live namespace's uid is the ledger's, it carries {@code
 *       stagingcanary.io/sentinel=true} and is not terminating) or one the set lists in {@code
 *       externalNamespaces}, and never in a system namespace ({@link SystemNamespaces}); decided on
 *       the uid the API server returns for the namespace, never on its name;
 *   <li>create: only objects that do not exist; the server's AlreadyExists answer is the check, so
 *       an object created by someone else a moment earlier is refused, never overwritten;
 *   <li>update and delete: only objects that carry {@code stagingcanary.io/sentinel=true} and whose
 *       uid equals the ledger's; the uid and the resourceVersion just read are sent as
 *       preconditions, so a replacement between read and write makes the server refuse the call.
 * </ul>
 *
 * The one write on an object the agent does not own: {@link #annotateOpsToolJob} puts the run id
 * and verdict on a Job labelled {@value #OPS_TOOL_LABEL}, nothing else.
 *
 * <p>An ArchUnit test keeps every other class from calling fabric8's write methods. A replica that
 * is not the leader writes nothing ({@link io.stagingcanary.leader.NotLeaderException}).
 */
@Component
public class GuardedMutations {

  private static final long WRITE_TIMEOUT_SECONDS = 30;

  /** Label naming the ops tool a Job, CronJob or Deployment runs. */
  public static final String OPS_TOOL_LABEL = "stagingcanary.io/ops-tool";

  /** The only annotation keys {@link #annotateOpsToolJob} writes. */
  public static final Set<String> JOB_ANNOTATIONS =
      Set.of("stagingcanary.io/run-id", "stagingcanary.io/verdict");

  private final KubernetesClient client;
  private final Ledger ledger;
  private final Leadership leadership;

  /** Per set, the namespaces its set.yaml lists as external (shared, pre-existing). */
  private final Map<String, Set<String>> externalNamespaces;

  private BetweenReadAndWrite betweenReadAndWrite = key -> {};

  /** For a single replica, which always leads; sets without external namespaces. */
  public GuardedMutations(KubernetesClient client, Ledger ledger) {
    this(client, ledger, ALWAYS_LEADS);
  }

  /** For a single replica, with the external namespaces the given sets declare. */
  public GuardedMutations(KubernetesClient client, Ledger ledger, Collection<SentinelSet> sets) {
    this(client, ledger, ALWAYS_LEADS, sets);
  }

  /** Sets without external namespaces: sentinels go only into sentinel namespaces. */
  public GuardedMutations(KubernetesClient client, Ledger ledger, Leadership leadership) {
    this(client, ledger, leadership, List.of());
  }

  @Autowired
  public GuardedMutations(
      KubernetesClient client, Ledger ledger, Leadership leadership, FixtureCatalog fixtures) {
    this(client, ledger, leadership, fixtures.sets());
  }

  /** With the external namespaces the given sets declare. */
  public GuardedMutations(
      KubernetesClient client, Ledger ledger, Leadership leadership, Collection<SentinelSet> sets) {
    this.client = client;
    this.ledger = ledger;
    this.leadership = leadership;
    Map<String, Set<String>> external = new LinkedHashMap<>();
    for (SentinelSet set : sets) {
      external.put(set.name(), Set.copyOf(set.externalNamespaces()));
    }
    this.externalNamespaces = Map.copyOf(external);
  }

  private static final Leadership ALWAYS_LEADS =
      new Leadership() {
        @Override
        public boolean isLeader() {
          return true;
        }

        @Override
        public String identity() {
          return "single-replica";
        }
      };

  /** Test seam: runs after the guard has read the target and before it writes. */
  interface BetweenReadAndWrite {
    void run(ResourceKey key);
  }

  void setBetweenReadAndWrite(BetweenReadAndWrite hook) {
    this.betweenReadAndWrite = hook;
  }

  /**
   * Creates {@code desired} only if nothing with its identity exists and, for a namespaced kind,
   * only inside a namespace the canary may write into (see the class comment).
   */
  public MutationResult create(
      String clusterId, KindSpec kind, ResourceKey key, Map<String, Object> desired) {
    leadership.requireLeader("create " + key.id());
    requireSentinelLabel(desired, key);
    if (kind.namespaced()) {
      Optional<MutationResult.Refused> refused =
          refuseNamespace(clusterId, key.namespace(), externalOf(setOf(desired)), CREATE);
      if (refused.isPresent()) {
        return refused.get();
      }
    }
    betweenReadAndWrite.run(key);
    GenericKubernetesResource body = toResource(desired);
    body.getMetadata().setUid(null);
    body.getMetadata().setResourceVersion(null);
    try {
      var resources = client.genericKubernetesResources(Kinds.context(kind));
      GenericKubernetesResource created =
          kind.namespaced()
              ? resources.inNamespace(key.namespace()).resource(body).create()
              : resources.resource(body).create();
      return new MutationResult.Done(
          CREATE, created.getMetadata().getUid(), created.getMetadata().getResourceVersion());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return new MutationResult.Refused(CREATE, "a same-named object already exists");
      }
      throw e;
    }
  }

  /** Replaces a sentinel the ledger owns with {@code desired}, keeping its uid. */
  public MutationResult update(
      String clusterId, KindSpec kind, ResourceKey key, Map<String, Object> desired) {
    leadership.requireLeader("update " + key.id());
    requireSentinelLabel(desired, key);
    if (kind.namespaced()) {
      Optional<MutationResult.Refused> refused =
          refuseNamespace(clusterId, key.namespace(), externalOf(setOf(desired)), UPDATE);
      if (refused.isPresent()) {
        return refused.get();
      }
    }
    Ownership ownership = verifyOwnership(clusterId, kind, key, UPDATE);
    if (ownership.refusal() != null) {
      return ownership.refusal();
    }
    GenericKubernetesResource body = toResource(desired);
    body.getMetadata().setUid(ownership.entry().uid());
    body.getMetadata().setResourceVersion(ownership.live().getMetadata().getResourceVersion());
    betweenReadAndWrite.run(key);
    try {
      var resources = client.genericKubernetesResources(Kinds.context(kind));
      GenericKubernetesResource updated =
          kind.namespaced()
              ? resources.inNamespace(key.namespace()).resource(body).update()
              : resources.resource(body).update();
      return new MutationResult.Done(
          UPDATE, updated.getMetadata().getUid(), updated.getMetadata().getResourceVersion());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 || e.getCode() == 422 || e.getCode() == 404) {
        return new MutationResult.Refused(UPDATE, "the server refused the update: " + reason(e));
      }
      throw e;
    }
  }

  /** Deletes a sentinel the ledger owns, with uid and resourceVersion preconditions. */
  public MutationResult delete(String clusterId, KindSpec kind, ResourceKey key) {
    leadership.requireLeader("delete " + key.id());
    Ownership ownership = verifyOwnership(clusterId, kind, key, DELETE);
    if (ownership.refusal() != null) {
      return ownership.refusal();
    }
    String uid = ownership.entry().uid();
    String resourceVersion = ownership.live().getMetadata().getResourceVersion();
    betweenReadAndWrite.run(key);
    Map<String, Object> preconditions = new LinkedHashMap<>();
    preconditions.put("uid", uid);
    if (resourceVersion != null) {
      preconditions.put("resourceVersion", resourceVersion);
    }
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("apiVersion", "v1");
    options.put("kind", "DeleteOptions");
    options.put("propagationPolicy", "Background");
    options.put("preconditions", preconditions);
    int status = sendDelete(Kinds.path(kind, key.namespace(), key.name()), options);
    if (status == 200 || status == 202) {
      return new MutationResult.Done(DELETE, uid, resourceVersion);
    }
    if (status == 404) {
      return new MutationResult.Refused(DELETE, "the object is already gone");
    }
    return new MutationResult.Refused(
        DELETE, "the server refused the delete (HTTP " + status + "): preconditions not met");
  }

  /**
   * Puts run-id/verdict annotations on an ops-tool Job: only a {@code batch/v1} Job carrying
   * {@value #OPS_TOOL_LABEL}, only the keys in {@link #JOB_ANNOTATIONS}, and only while the Job's
   * uid is {@code uid} (sent as precondition with the resourceVersion just read).
   *
   * @throws IllegalArgumentException for any other key, an empty or null value, or no uid
   */
  public MutationResult annotateOpsToolJob(
      String namespace, String name, String uid, Map<String, String> annotations) {
    leadership.requireLeader("annotate Job " + namespace + "/" + name);
    if (annotations == null || annotations.isEmpty()) {
      throw new IllegalArgumentException(
          "no annotations to write on Job " + namespace + "/" + name);
    }
    for (Map.Entry<String, String> e : annotations.entrySet()) {
      if (!JOB_ANNOTATIONS.contains(e.getKey())) {
        throw new IllegalArgumentException(
            "annotation "
                + e.getKey()
                + " may not be written on Job "
                + namespace
                + "/"
                + name
                + "; only "
                + new java.util.TreeSet<>(JOB_ANNOTATIONS));
      }
      if (e.getValue() == null || e.getValue().isBlank()) {
        throw new IllegalArgumentException("annotation " + e.getKey() + " needs a value");
      }
    }
    if (uid == null || uid.isBlank() || namespace == null || name == null) {
      throw new IllegalArgumentException("a Job is identified by namespace, name and uid");
    }
    var jobs = client.batch().v1().jobs().inNamespace(namespace);
    var live = jobs.withName(name).get();
    if (live == null) {
      return new MutationResult.Refused(ANNOTATE_JOB, "the Job is gone");
    }
    Map<String, String> labels = live.getMetadata().getLabels();
    if (labels == null || labels.get(OPS_TOOL_LABEL) == null) {
      return new MutationResult.Refused(
          ANNOTATE_JOB, "the Job does not carry " + OPS_TOOL_LABEL + ": not an ops-tool run");
    }
    if (!uid.equals(live.getMetadata().getUid())) {
      return new MutationResult.Refused(
          ANNOTATE_JOB,
          "uid " + live.getMetadata().getUid() + " differs from " + uid + ": another Job");
    }
    betweenReadAndWrite.run(ResourceKey.namespaced("batch/v1", "Job", namespace, name));
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("uid", uid);
    metadata.put("resourceVersion", live.getMetadata().getResourceVersion());
    metadata.put("annotations", new LinkedHashMap<>(annotations));
    String patch = Serialization.asJson(Map.of("metadata", metadata));
    try {
      var patched =
          jobs.withName(name)
              .patch(
                  io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                      io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                  patch);
      return new MutationResult.Done(
          ANNOTATE_JOB, patched.getMetadata().getUid(), patched.getMetadata().getResourceVersion());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 || e.getCode() == 404 || e.getCode() == 422) {
        return new MutationResult.Refused(
            ANNOTATE_JOB, "the server refused the annotation: " + reason(e));
      }
      throw e;
    }
  }

  /** Label on the canary's own Jobs (data writers and checkers); never on a sentinel. */
  public static final String OWNED_BY = SentinelLabels.PREFIX + "owned-by";

  public static final String OWNED_BY_VALUE = "staging-canary";

  /** What an owned Job does, e.g. {@code data-writer}. */
  public static final String ROLE = SentinelLabels.PREFIX + "role";

  /**
   * Creates one of the canary's own Jobs: it must carry {@link #OWNED_BY} and {@link #ROLE} and
   * must not carry the sentinel label, and its namespace must be one the canary may write into (a
   * sentinel namespace the ledger owns, or one any loaded set lists as external). Create-only: a
   * same-named Job is refused, never replaced.
   */
  public MutationResult createOwnedJob(String clusterId, Job job) {
    leadership.requireLeader("create Job " + job.getMetadata().getName());
    requireOwnedJobLabels(job.getMetadata().getLabels(), job.getMetadata().getName());
    Set<String> anyExternal = new TreeSet<>();
    externalNamespaces.values().forEach(anyExternal::addAll);
    Optional<MutationResult.Refused> refused =
        refuseNamespace(clusterId, job.getMetadata().getNamespace(), anyExternal, CREATE);
    if (refused.isPresent()) {
      return refused.get();
    }
    job.getMetadata().setUid(null);
    job.getMetadata().setResourceVersion(null);
    try {
      Job created =
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(job.getMetadata().getNamespace())
              .resource(job)
              .create();
      return new MutationResult.Done(
          CREATE, created.getMetadata().getUid(), created.getMetadata().getResourceVersion());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return new MutationResult.Refused(CREATE, "a same-named Job already exists");
      }
      throw e;
    }
  }

  /**
   * Deletes one of the canary's own Jobs (and, in the background, its Pods): only if it carries
   * {@link #OWNED_BY} and its uid is the one the canary created, sent as a precondition.
   */
  public MutationResult deleteOwnedJob(String namespace, String name, String uid) {
    leadership.requireLeader("delete Job " + namespace + "/" + name);
    Job live = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
    if (live == null) {
      return new MutationResult.Refused(DELETE, "the Job is gone");
    }
    Map<String, String> labels = live.getMetadata().getLabels();
    if (labels == null
        || !OWNED_BY_VALUE.equals(labels.get(OWNED_BY))
        || labels.containsKey(SentinelLabels.SENTINEL)) {
      return new MutationResult.Refused(
          DELETE, "Job " + namespace + "/" + name + " is not one of the canary's own");
    }
    if (uid == null || !uid.equals(live.getMetadata().getUid())) {
      return new MutationResult.Refused(
          DELETE, "Job uid " + live.getMetadata().getUid() + " is not the created " + uid);
    }
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("apiVersion", "v1");
    options.put("kind", "DeleteOptions");
    options.put("propagationPolicy", "Background");
    options.put("preconditions", Map.of("uid", uid));
    int status = sendDelete("/apis/batch/v1/namespaces/" + namespace + "/jobs/" + name, options);
    if (status == 200 || status == 202) {
      return new MutationResult.Done(DELETE, uid, live.getMetadata().getResourceVersion());
    }
    return new MutationResult.Refused(
        DELETE, "the server refused the delete (HTTP " + status + ")");
  }

  private static void requireOwnedJobLabels(Map<String, String> labels, String name) {
    if (labels == null
        || !OWNED_BY_VALUE.equals(labels.get(OWNED_BY))
        || labels.get(ROLE) == null
        || labels.containsKey(SentinelLabels.SENTINEL)) {
      throw new IllegalArgumentException(
          "Job "
              + name
              + " needs "
              + OWNED_BY
              + "="
              + OWNED_BY_VALUE
              + " and "
              + ROLE
              + ", and must not carry "
              + SentinelLabels.SENTINEL);
    }
  }

  /**
   * Why nothing may be written into {@code namespace}, or empty if the canary may write there: the
   * live namespace is a sentinel whose uid the ledger records (as a Namespace or a Project of that
   * name), carries the sentinel label and is not terminating; or it exists, is not terminating and
   * is listed in {@code external}. A system namespace is refused before anything is read.
   */
  private Optional<MutationResult.Refused> refuseNamespace(
      String clusterId,
      String namespace,
      Set<String> external,
      MutationResult.Operation operation) {
    if (namespace == null || namespace.isBlank()) {
      throw new IllegalArgumentException("a namespaced write needs a namespace");
    }
    Optional<String> system = SystemNamespaces.why(namespace);
    if (system.isPresent()) {
      return namespaceRefused(
          operation,
          "namespace "
              + namespace
              + " is refused: "
              + system.get()
              + "; "
              + SystemNamespaces.RULE
              + "; nothing written");
    }
    Namespace live = client.namespaces().withName(namespace).get();
    if (live == null) {
      return namespaceRefused(
          operation,
          "namespace "
              + namespace
              + " does not exist: the canary writes only into its own sentinel namespaces and"
              + " existing externalNamespaces");
    }
    String uid = live.getMetadata().getUid();
    if (live.getMetadata().getDeletionTimestamp() != null
        || (live.getStatus() != null && "Terminating".equals(live.getStatus().getPhase()))) {
      return namespaceRefused(
          operation, "namespace " + namespace + " (uid " + uid + ") is terminating");
    }
    List<LedgerEntry> owners =
        List.of(
                ResourceKey.clusterScoped("v1", "Namespace", namespace),
                ResourceKey.clusterScoped("project.openshift.io/v1", "Project", namespace))
            .stream()
            .map(k -> ledger.find(clusterId, k))
            .flatMap(Optional::stream)
            .filter(e -> e.uid() != null)
            .toList();
    Map<String, String> labels = live.getMetadata().getLabels();
    boolean labelled = labels != null && "true".equals(labels.get(SentinelLabels.SENTINEL));
    boolean uidMatches = uid != null && owners.stream().anyMatch(e -> uid.equals(e.uid()));
    if (uidMatches && labelled) {
      return Optional.empty();
    }
    if (owners.isEmpty() && external.contains(namespace)) {
      return Optional.empty();
    }
    String why;
    if (owners.isEmpty()) {
      why =
          "is neither a sentinel namespace in the ledger nor listed in the set's"
              + " externalNamespaces";
    } else if (!uidMatches) {
      why =
          "is not the namespace the canary seeded (ledger uid "
              + owners.get(0).uid()
              + "): it was replaced by someone else's";
    } else {
      why = "does not carry " + SentinelLabels.SELECTOR + " any more";
    }
    return namespaceRefused(
        operation, "namespace " + namespace + " (uid " + uid + ") " + why + "; nothing written");
  }

  private static Optional<MutationResult.Refused> namespaceRefused(
      MutationResult.Operation operation, String reason) {
    return Optional.of(
        new MutationResult.Refused(operation, reason, MutationResult.Target.NAMESPACE));
  }

  private Set<String> externalOf(String set) {
    return set == null ? Set.of() : externalNamespaces.getOrDefault(set, Set.of());
  }

  private static String setOf(Map<String, Object> desired) {
    Object metadata = desired.get("metadata");
    Object labels = metadata instanceof Map<?, ?> m ? m.get("labels") : null;
    Object value = labels instanceof Map<?, ?> l ? l.get(SentinelLabels.SET) : null;
    return value instanceof String set ? set : null;
  }

  private Ownership verifyOwnership(
      String clusterId, KindSpec kind, ResourceKey key, MutationResult.Operation operation) {
    Optional<LedgerEntry> entry = ledger.find(clusterId, key);
    if (entry.isEmpty() || entry.get().uid() == null) {
      return Ownership.refused(operation, "not in the ledger: the canary never created it");
    }
    var resources = client.genericKubernetesResources(Kinds.context(kind));
    GenericKubernetesResource live =
        kind.namespaced()
            ? resources.inNamespace(key.namespace()).withName(key.name()).get()
            : resources.withName(key.name()).get();
    if (live == null) {
      return Ownership.refused(operation, "the object is gone");
    }
    Map<String, String> labels = live.getMetadata().getLabels();
    if (labels == null || !"true".equals(labels.get(SentinelLabels.SENTINEL))) {
      return Ownership.refused(
          operation, "the object does not carry " + SentinelLabels.SELECTOR + ": not ours");
    }
    if (!entry.get().uid().equals(live.getMetadata().getUid())) {
      return Ownership.refused(
          operation,
          "uid "
              + live.getMetadata().getUid()
              + " differs from the ledger's "
              + entry.get().uid()
              + ": the object was replaced");
    }
    return new Ownership(entry.get(), live, null);
  }

  private int sendDelete(String path, Map<String, Object> options) {
    HttpClient http = client.getHttpClient();
    String base = client.getMasterUrl().toString().replaceAll("/+$", "");
    HttpRequest request =
        http.newHttpRequestBuilder()
            .uri(base + path)
            .delete("application/json", Serialization.asJson(options))
            .build();
    try {
      HttpResponse<String> response =
          http.sendAsync(request, String.class).get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return response.code();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted while deleting " + path, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KubernetesClientException("delete of " + path + " failed", e);
    }
  }

  private static void requireSentinelLabel(Map<String, Object> desired, ResourceKey key) {
    Object metadata = desired.get("metadata");
    Object labels = metadata instanceof Map<?, ?> m ? m.get("labels") : null;
    Object value = labels instanceof Map<?, ?> l ? l.get(SentinelLabels.SENTINEL) : null;
    if (!"true".equals(value)) {
      throw new IllegalArgumentException(
          key + " lacks " + SentinelLabels.SELECTOR + ": the agent only writes sentinels");
    }
  }

  private static GenericKubernetesResource toResource(Map<String, Object> manifest) {
    return Serialization.unmarshal(Serialization.asJson(manifest), GenericKubernetesResource.class);
  }

  private static String reason(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage()
        : e.getMessage();
  }

  private record Ownership(
      LedgerEntry entry, GenericKubernetesResource live, MutationResult.Refused refusal) {
    static Ownership refused(MutationResult.Operation operation, String reason) {
      return new Ownership(null, null, new MutationResult.Refused(operation, reason));
    }
  }
}
