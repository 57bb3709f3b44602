package io.stagingcanary.incident;

import io.stagingcanary.diff.Details;
import io.stagingcanary.diff.DiffResult;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelResult;
import io.stagingcanary.diff.SentinelStatus;
import io.stagingcanary.diff.StatusType;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Changes to sentinels that began within one grouping window, as facts: which sentinels, what
 * happened to each (status, reasons, field changes). Opens at the first change (the detection
 * time), is sealed when the window closes, resolves when every sentinel in it is back.
 *
 * <p>Nothing rendered is stored: {@link #text()}, {@link #markdown()} and {@link #json()} render
 * the items on each call ({@link IncidentTextRenderer}, {@link IncidentMarkdownRenderer}, {@link
 * IncidentJsonRenderer}). Build one with {@link #builder()}; change one with {@link #toBuilder()}.
 * The builder refuses an incident without id, cluster, type, detection path, opening time or
 * headline, and one with a blind interval missing an end.
 */
public record Incident(
    String id,
    String clusterId,
    String clusterName,
    Type type,
    DetectedBy detectedBy,
    Instant openedAt,
    Instant sealedAt,
    Instant resolvedAt,
    Instant blindFrom,
    Instant blindTo,
    String headline,
    List<Item> items) {

  /** Use {@link #builder()}: the positional form is kept for the builder only. */
  public Incident {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(clusterName, "clusterName");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(detectedBy, "detectedBy");
    Objects.requireNonNull(openedAt, "openedAt");
    Objects.requireNonNull(headline, "headline");
    if ((blindFrom == null) != (blindTo == null)) {
      throw new IllegalArgumentException(
          "incident " + id + ": blindFrom and blindTo are set together or not at all");
    }
    items = List.copyOf(items);
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this incident's values, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .id(id)
        .clusterId(clusterId)
        .clusterName(clusterName)
        .type(type)
        .detectedBy(detectedBy)
        .openedAt(openedAt)
        .sealedAt(sealedAt)
        .resolvedAt(resolvedAt)
        .blindInterval(blindFrom, blindTo)
        .headline(headline)
        .items(items);
  }

  /** What kind of incident. */
  public enum Type {
    /** Sentinels were lost, replaced, modified or degraded. */
    SENTINEL_LOSS,
    /**
     * The cluster behind the kubeconfig is a different or rebuilt one: the environment was wiped.
     */
    ENVIRONMENT_RESET
  }

  /** Which path noticed it. */
  public enum DetectedBy {
    WATCH,
    VERIFICATION,
    STARTUP
  }

  /**
   * One sentinel in the incident and what happened to it: its owner path is {@code tenant} → the
   * key's namespace; {@code change} holds the reasons, field changes or uids of the verdict.
   *
   * @param set null when unknown
   * @param tenant null when unknown
   */
  public record Item(ResourceKey key, String set, String tenant, SentinelStatus change) {

    public Item {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(change, "change");
    }

    /** The item of a sentinel's verdict. */
    public static Item of(SentinelResult result) {
      return new Item(result.key(), result.set(), result.tenant(), result.status());
    }

    /** The verdict. */
    public StatusType status() {
      return change.type();
    }

    /** The reasons and field changes on one line, separated by {@code "; "} (may be empty). */
    public String detail() {
      return String.join("; ", Details.lines(change));
    }

    /** The verdict again, for the diff renderers. */
    public SentinelResult result() {
      return new SentinelResult(key, set, tenant, change);
    }
  }

  public boolean isOpen() {
    return resolvedAt == null;
  }

  public boolean isSealed() {
    return sealedAt != null;
  }

  /** The items as a diff: one result per item, no findings. */
  public DiffResult diff() {
    return new DiffResult(items.stream().map(Item::result).toList(), List.of());
  }

  /** Plain text for alerts and logs, rendered now from the items. */
  public String text() {
    return IncidentTextRenderer.render(this);
  }

  /** Markdown for chat, rendered now from the items. */
  public String markdown() {
    return IncidentMarkdownRenderer.render(this);
  }

  /** The grouped diff as JSON (the API's {@code diff}), rendered now from the items. */
  public String json() {
    return IncidentJsonRenderer.render(this);
  }

  /** Builds an {@link Incident}; {@link #build()} checks the required fields. */
  public static final class Builder {
    private String id;
    private String clusterId;
    private String clusterName;
    private Type type;
    private DetectedBy detectedBy;
    private Instant openedAt;
    private Instant sealedAt;
    private Instant resolvedAt;
    private Instant blindFrom;
    private Instant blindTo;
    private String headline;
    private List<Item> items = List.of();

    private Builder() {}

    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /** The cluster's identity: its {@code kube-system} uid and its name. */
    public Builder cluster(String clusterId, String clusterName) {
      return clusterId(clusterId).clusterName(clusterName);
    }

    public Builder clusterId(String clusterId) {
      this.clusterId = clusterId;
      return this;
    }

    public Builder clusterName(String clusterName) {
      this.clusterName = clusterName;
      return this;
    }

    public Builder type(Type type) {
      this.type = type;
      return this;
    }

    public Builder detectedBy(DetectedBy detectedBy) {
      this.detectedBy = detectedBy;
      return this;
    }

    public Builder openedAt(Instant openedAt) {
      this.openedAt = openedAt;
      return this;
    }

    public Builder sealedAt(Instant sealedAt) {
      this.sealedAt = sealedAt;
      return this;
    }

    public Builder resolvedAt(Instant resolvedAt) {
      this.resolvedAt = resolvedAt;
      return this;
    }

    /** When the agent could not see, for a change found afterwards; both null for none. */
    public Builder blindInterval(Instant blindFrom, Instant blindTo) {
      this.blindFrom = blindFrom;
      this.blindTo = blindTo;
      return this;
    }

    public Builder headline(String headline) {
      this.headline = headline;
      return this;
    }

    public Builder items(List<Item> items) {
      this.items = Objects.requireNonNull(items, "items");
      return this;
    }

    /** The incident; throws when a required field is missing. */
    public Incident build() {
      return new Incident(
          id,
          clusterId,
          clusterName,
          type,
          detectedBy,
          openedAt,
          sealedAt,
          resolvedAt,
          blindFrom,
          blindTo,
          headline,
          items);
    }
  }
}
