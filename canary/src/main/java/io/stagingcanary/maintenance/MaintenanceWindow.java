package io.stagingcanary.maintenance;

import com.fasterxml.jackson.annotation.JsonValue;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.incident.Incident;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A time span in which changes to matching sentinels are expected: still recorded as incidents, not
 * paged. In {@link Mode#MUTE_CHANGES} (the default) a sentinel that is MISSING or REPLACED still
 * pages; only {@link Mode#MUTE_ALL} silences those too.
 *
 * @param deletedAt when it was deleted (it stopped then); null if never
 */
public record MaintenanceWindow(
    String id,
    Instant start,
    Instant end,
    String reason,
    Mode mode,
    Matchers matchers,
    Instant createdAt,
    Instant deletedAt) {

  /** What is muted. */
  public enum Mode {
    /** Changes (MODIFIED, DEGRADED) are expected; MISSING and REPLACED still page. */
    MUTE_CHANGES,
    /** Every change to matching sentinels is expected, losses included. */
    MUTE_ALL;

    @JsonValue
    public String wire() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@code mute-changes} or {@code mute-all}. */
    public static Mode parse(String value) {
      for (Mode mode : values()) {
        if (mode.wire().equalsIgnoreCase(value.strip())) {
          return mode;
        }
      }
      throw new IllegalArgumentException(
          "mode '" + value + "' is not one of mute-changes, mute-all");
    }
  }

  /** Which sentinels: every non-empty list must contain the sentinel's value; empty matches all. */
  public record Matchers(
      List<String> sets, List<String> tenants, List<String> namespaces, List<String> kinds) {

    public Matchers {
      sets = sets == null ? List.of() : List.copyOf(sets);
      tenants = tenants == null ? List.of() : List.copyOf(tenants);
      namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
      kinds = kinds == null ? List.of() : List.copyOf(kinds);
    }

    boolean matches(Incident.Item item) {
      ResourceKey key = item.key();
      String namespace =
          key.namespace() == null || key.namespace().isEmpty()
              ? ("Namespace".equals(key.kind()) ? key.name() : "")
              : key.namespace();
      return in(sets, item.set())
          && in(tenants, item.tenant())
          && in(namespaces, namespace)
          && in(kinds, key.kind());
    }

    private static boolean in(List<String> values, String value) {
      return values.isEmpty() || values.contains(value);
    }
  }

  /** Where the window is in its life at {@code now}. */
  public enum State {
    UPCOMING,
    ACTIVE,
    ENDED,
    DELETED
  }

  /** When it stops: its end, or when it was deleted if that was earlier. */
  public Instant effectiveEnd() {
    return deletedAt != null && deletedAt.isBefore(end) ? deletedAt : end;
  }

  public State state(Instant now) {
    if (deletedAt != null) {
      return State.DELETED;
    }
    if (now.isBefore(start)) {
      return State.UPCOMING;
    }
    return now.isBefore(end) ? State.ACTIVE : State.ENDED;
  }

  /** Whether it covers {@code at} (deleted windows cover the time before their deletion). */
  public boolean covers(Instant at) {
    return !at.isBefore(start) && at.isBefore(effectiveEnd());
  }

  /** Whether a change to this item at {@code at} is expected under this window. */
  boolean expects(Incident.Item item, Instant at) {
    if (!covers(at) || !matchers.matches(item)) {
      return false;
    }
    return mode == Mode.MUTE_ALL || !item.status().lost();
  }
}
