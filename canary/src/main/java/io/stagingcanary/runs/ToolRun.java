package io.stagingcanary.runs;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One bracketed ops-tool run as stored. Build one with {@link #builder()}, change one with {@link
 * #toBuilder()}: the builder refuses a run without id, cluster, tool, version, source, status or
 * start, a running run with a verdict, and a completed run without its completion time.
 *
 * @param job the Job when {@code source} is {@link Source#JOB}, else null
 * @param identity the Kubernetes username the tool runs as (for a Job its service account); null
 *     when the caller did not say
 * @param verdict null while running (and while the completed run is being judged)
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
    Source source,
    JobRef job,
    String identity,
    Status status,
    Verdict verdict,
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

  /** Use {@link #builder()}: the positional form is kept for the builder only. */
  public ToolRun {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(startedAt, "startedAt");
    if (status == Status.RUNNING && verdict != null) {
      throw new IllegalArgumentException("run " + id + " is running but has verdict " + verdict);
    }
    if (status == Status.COMPLETED && completedAt == null) {
      throw new IllegalArgumentException("run " + id + " is completed but has no completedAt");
    }
  }

  /** Where a run came from. */
  public enum Source {
    /** Bracketed by a caller of the API (the CI gate). */
    API,
    /** An in-cluster Job the agent bracketed itself. */
    JOB;

    /** As stored and shown: {@code api}, {@code job}. */
    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The source stored as {@code value}. */
    public static Source of(String value) {
      return valueOf(value.toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
      return value();
    }
  }

  /** Lifecycle of a run. */
  public enum Status {
    RUNNING,
    COMPLETED
  }

  /** The verdict on a completed run, as stored and shown. */
  public enum Verdict {
    PASS,
    FAIL,
    ERROR
  }

  /** The Job an in-cluster run bracketed. */
  public record JobRef(String namespace, String name, String uid) {}

  public boolean completed() {
    return status == Status.COMPLETED;
  }

  /** Whether the run completed with verdict FAIL. */
  public boolean failed() {
    return verdict == Verdict.FAIL;
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this run's values, to change some of them. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.clusterId = clusterId;
    b.tool = tool;
    b.version = version;
    b.commit = commit;
    b.pipelineUrl = pipelineUrl;
    b.policy = policy;
    b.source = source;
    b.job = job;
    b.identity = identity;
    b.status = status;
    b.verdict = verdict;
    b.startedAt = startedAt;
    b.completedAt = completedAt;
    b.exitCode = exitCode;
    b.violations = violations;
    b.headline = headline;
    b.baselineJson = baselineJson;
    b.resultJson = resultJson;
    b.text = text;
    b.markdown = markdown;
    b.junit = junit;
    return b;
  }

  /** Builds a {@link ToolRun}; {@link #build()} checks it. A new run is {@code RUNNING}. */
  public static final class Builder {
    private String id;
    private String clusterId;
    private String tool;
    private String version;
    private String commit;
    private String pipelineUrl;
    private String policy;
    private Source source;
    private JobRef job;
    private String identity;
    private Status status = Status.RUNNING;
    private Verdict verdict;
    private Instant startedAt;
    private Instant completedAt;
    private Integer exitCode;
    private Integer violations;
    private String headline;
    private String baselineJson;
    private String resultJson;
    private String text;
    private String markdown;
    private String junit;

    private Builder() {}

    public Builder id(String id) {
      this.id = id;
      return this;
    }

    public Builder clusterId(String clusterId) {
      this.clusterId = clusterId;
      return this;
    }

    /** The tool and its version. */
    public Builder tool(String tool, String version) {
      this.tool = tool;
      this.version = version;
      return this;
    }

    public Builder commit(String commit) {
      this.commit = commit;
      return this;
    }

    public Builder pipelineUrl(String pipelineUrl) {
      this.pipelineUrl = pipelineUrl;
      return this;
    }

    /** The policy's tool name; null when the run has none. */
    public Builder policy(String policy) {
      this.policy = policy;
      return this;
    }

    public Builder source(Source source) {
      this.source = source;
      return this;
    }

    public Builder job(JobRef job) {
      this.job = job;
      return this;
    }

    /** The Kubernetes username the tool runs as; null when not known. */
    public Builder identity(String identity) {
      this.identity = identity;
      return this;
    }

    public Builder status(Status status) {
      this.status = status;
      return this;
    }

    public Builder verdict(Verdict verdict) {
      this.verdict = verdict;
      return this;
    }

    public Builder startedAt(Instant startedAt) {
      this.startedAt = startedAt;
      return this;
    }

    /** Completed at {@code completedAt} with the tool's exit code (null when not reported). */
    public Builder completed(Instant completedAt, Integer exitCode) {
      this.status = Status.COMPLETED;
      this.completedAt = completedAt;
      this.exitCode = exitCode;
      return this;
    }

    public Builder completedAt(Instant completedAt) {
      this.completedAt = completedAt;
      return this;
    }

    public Builder exitCode(Integer exitCode) {
      this.exitCode = exitCode;
      return this;
    }

    public Builder violations(Integer violations) {
      this.violations = violations;
      return this;
    }

    public Builder headline(String headline) {
      this.headline = headline;
      return this;
    }

    public Builder baselineJson(String baselineJson) {
      this.baselineJson = baselineJson;
      return this;
    }

    public Builder resultJson(String resultJson) {
      this.resultJson = resultJson;
      return this;
    }

    /** The rendered reports: plain text and Markdown. */
    public Builder reports(String text, String markdown) {
      this.text = text;
      this.markdown = markdown;
      return this;
    }

    public Builder junit(String junit) {
      this.junit = junit;
      return this;
    }

    /** The run; throws when it is incomplete or inconsistent. */
    public ToolRun build() {
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
          identity,
          status,
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
}
