package io.stagingcanary.incident;

import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.StatusType;
import java.time.Instant;
import java.util.List;

/**
 * Changes to sentinels that began within one grouping window, with their grouped diff. Opens at the
 * first change (the detection time), is sealed when the window closes, resolves when every sentinel
 * in it is back.
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
    List<Item> items,
    String text,
    String markdown,
    String json) {

  public Incident {
    items = List.copyOf(items);
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

  /** One sentinel in the incident, with what happened to it. */
  public record Item(
      ResourceKey key, String set, String tenant, StatusType status, String detail) {}

  public boolean isOpen() {
    return resolvedAt == null;
  }

  public boolean isSealed() {
    return sealedAt != null;
  }
}
