package io.stagingcanary.runs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Stored runs and ops-tool deployments. */
public interface RunStore {

  void insert(ToolRun run);

  /** Stores the verdict of a running run; false when it was already completed. */
  boolean complete(ToolRun run);

  Optional<ToolRun> find(String id);

  /** Newest first; null filters match everything. */
  List<ToolRun> list(String clusterId, String tool, String verdict, int limit);

  /** Runs whose window [started, completed or now] overlaps [from, to], newest first. */
  List<ToolRun> overlapping(String clusterId, Instant from, Instant to);

  Optional<ToolRun> findByJobUid(String jobUid);

  /** Runs still {@code RUNNING} that started before {@code startedBefore}, oldest first. */
  List<ToolRun> runningSince(String clusterId, Instant startedBefore);

  /** Records an acknowledgement; false when the run was acknowledged already. */
  boolean acknowledge(Acknowledgement acknowledgement);

  Optional<Acknowledgement> acknowledgement(String runId);

  /** Records that the run caused the incident (its loss pages as the run's violation). */
  void linkIncident(String runId, String incidentId, Instant at);

  /** Incidents the run caused, oldest link first. */
  List<String> incidentsOf(String runId);

  /** Runs that caused the incident. */
  List<String> runsOf(String incidentId);

  /** A recorded ops-tool deployment (image change). */
  record Deployment(
      String id,
      String clusterId,
      String tool,
      String kind,
      String namespace,
      String name,
      String oldImage,
      String newImage,
      Instant deployedAt) {}

  void insertDeployment(Deployment deployment);

  /** The latest deployment recorded for one object. */
  Optional<Deployment> latestDeployment(
      String clusterId, String kind, String namespace, String name);

  /** Newest first. */
  List<Deployment> deployments(String clusterId, String tool, int limit);
}
