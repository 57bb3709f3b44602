package io.stagingcanary.runs;

import java.time.Instant;
import java.util.Objects;

/**
 * One bracketed ops-tool run as stored.
 *
 * @param source {@code api} (CI gate) or {@code job} (in-cluster Job)
 * @param job the Job when {@code source} is {@code job}, else null
 * @param verdict {@code PASS}, {@code FAIL} or {@code ERROR}; null while running
 * @param baselineJson summary of the before snapshot
 * @param resultJson the full result (verdict, violations, grouped diff); null while running
 */
public record ToolRun(
    String id,
    String clusterId,
    String tool,
    String version,
    String commit,
    String pipelineUrl,
    String policy,
    String source,
    JobRef job,
    Status status,
    String verdict,
    Instant startedAt,
    Instant completedAt,
    Integer exitCode,
    Integer violations,
    String headline,
    String baselineJson,
    String resultJson,
    String text,
    String markdown,
    String junit) {

  public ToolRun {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(status, "status");
  }

  /** Where a run came from. */
  public static final String SOURCE_API = "api";

  public static final String SOURCE_JOB = "job";

  /** Lifecycle of a run. */
  public enum Status {
    RUNNING,
    COMPLETED
  }

  /** The Job an in-cluster run bracketed. */
  public record JobRef(String namespace, String name, String uid) {}

  public boolean completed() {
    return status == Status.COMPLETED;
  }

  /** This run with its verdict stored. */
  public ToolRun complete(
      String verdict,
      Instant completedAt,
      Integer exitCode,
      int violations,
      String headline,
      String resultJson,
      String text,
      String markdown,
      String junit) {
    return new ToolRun(
        id,
        clusterId,
        tool,
        version,
        commit,
        pipelineUrl,
        policy,
        source,
        job,
        Status.COMPLETED,
        verdict,
        startedAt,
        completedAt,
        exitCode,
        violations,
        headline,
        baselineJson,
        resultJson,
        text,
        markdown,
        junit);
  }
}
