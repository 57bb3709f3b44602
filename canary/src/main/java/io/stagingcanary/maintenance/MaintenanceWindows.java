package io.stagingcanary.maintenance;

import io.stagingcanary.diff.Escape;
import io.stagingcanary.incident.ExpectedChanges;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.metrics.CanaryMetrics;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Stored maintenance windows, and the {@link ExpectedChanges} they declare. Rows are never removed:
 * ended and deleted windows stay as the audit trail.
 */
@Service
public class MaintenanceWindows implements ExpectedChanges {

  private static final Logger log = LoggerFactory.getLogger(MaintenanceWindows.class);
  private static final String COLUMNS =
      "window_id, starts_at, ends_at, reason, mode, match_sets, match_tenants, match_namespaces,"
          + " match_kinds, created_at, deleted_at";
  private static final Duration CACHE_FOR = Duration.ofSeconds(10);

  /** Longest {@code reason}, in characters. */
  public static final int MAX_REASON = 1000;

  /** Longest {@code mode}, in characters. */
  public static final int MAX_MODE = 32;

  /** Most values per matcher list. */
  public static final int MAX_MATCHER_VALUES = 100;

  /** Longest matcher value, in characters (a Kubernetes name). */
  public static final int MAX_MATCHER_VALUE = 253;

  /** How far ahead a window may end. */
  public static final Duration MAX_AHEAD = Duration.ofDays(366);

  private final JdbcClient jdbc;
  private final Clock clock;
  private final Duration maxDuration;
  private volatile List<MaintenanceWindow> cached;
  private volatile Instant cachedAt = Instant.MIN;

  public MaintenanceWindows(
      DataSource dataSource, Clock clock, MaintenanceProperties properties, CanaryMetrics metrics) {
    this.jdbc = JdbcClient.create(dataSource);
    this.clock = clock;
    this.maxDuration = properties.maxDuration();
    metrics.bindMaintenanceWindowActive(() -> !active().isEmpty());
  }

  /** A window as asked for; validated by {@link #create}. */
  public record Request(
      Instant start,
      Instant end,
      String reason,
      MaintenanceWindow.Matchers matchers,
      String mode) {}

  /** Validates and stores a window; a bad request is an {@link IllegalArgumentException}. */
  public MaintenanceWindow create(Request request) {
    Instant now = clock.instant();
    List<String> problems = new ArrayList<>();
    if (request.start() == null) {
      problems.add("start is required (an ISO-8601 instant)");
    }
    if (request.end() == null) {
      problems.add("end is required (an ISO-8601 instant)");
    }
    if (request.start() != null && request.end() != null) {
      if (!request.end().isAfter(request.start())) {
        problems.add("end must be after start");
      } else if (Duration.between(request.start(), request.end()).compareTo(maxDuration) > 0) {
        problems.add(
            "the window is longer than canary.maintenance.max-duration (" + maxDuration + ")");
      }
      if (!request.end().isAfter(now)) {
        problems.add("end must be in the future");
      }
    }
    if (request.end() != null && request.end().isAfter(now.plus(MAX_AHEAD))) {
      problems.add("end must be at most " + MAX_AHEAD.toDays() + " days from now");
    }
    if (request.reason() == null || request.reason().isBlank()) {
      problems.add("reason must not be empty");
    } else if (request.reason().length() > MAX_REASON) {
      problems.add("reason must be at most " + MAX_REASON + " characters");
    } else if (request.reason().indexOf('\u0000') >= 0) {
      problems.add("reason must not contain the NUL character");
    }
    MaintenanceWindow.Mode mode = MaintenanceWindow.Mode.MUTE_CHANGES;
    if (request.mode() != null && request.mode().length() > MAX_MODE) {
      problems.add("mode must be at most " + MAX_MODE + " characters (mute-changes or mute-all)");
    } else if (request.mode() != null && !request.mode().isBlank()) {
      try {
        mode = MaintenanceWindow.Mode.parse(request.mode());
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    MaintenanceWindow.Matchers matchers =
        request.matchers() == null
            ? new MaintenanceWindow.Matchers(null, null, null, null)
            : request.matchers();
    Map<String, List<String>> byName = new LinkedHashMap<>();
    byName.put("sets", matchers.sets());
    byName.put("tenants", matchers.tenants());
    byName.put("namespaces", matchers.namespaces());
    byName.put("kinds", matchers.kinds());
    byName.forEach(
        (name, values) -> {
          if (values.size() > MAX_MATCHER_VALUES) {
            problems.add(
                "matchers." + name + " must have at most " + MAX_MATCHER_VALUES + " values");
          } else if (values.stream()
              .anyMatch(v -> v == null || v.isBlank() || v.contains(",") || v.indexOf(0) >= 0)) {
            problems.add("matchers." + name + " must be non-empty names without commas");
          } else if (values.stream().anyMatch(v -> v.length() > MAX_MATCHER_VALUE)) {
            problems.add(
                "matchers."
                    + name
                    + " values must be at most "
                    + MAX_MATCHER_VALUE
                    + " characters");
          }
        });
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    MaintenanceWindow window =
        new MaintenanceWindow(
            "mw-" + UUID.randomUUID().toString().substring(0, 8),
            request.start(),
            request.end(),
            request.reason().strip(),
            mode,
            matchers,
            now,
            null);
    jdbc.sql(
            "INSERT INTO maintenance_window ("
                + COLUMNS
                + ") VALUES (:id, :start, :end, :reason, :mode, :sets, :tenants, :namespaces,"
                + " :kinds, :createdAt, NULL)")
        .param("id", window.id())
        .param("start", utc(window.start()))
        .param("end", utc(window.end()))
        .param("reason", window.reason())
        .param("mode", window.mode().name())
        .param("sets", String.join(",", matchers.sets()))
        .param("tenants", String.join(",", matchers.tenants()))
        .param("namespaces", String.join(",", matchers.namespaces()))
        .param("kinds", String.join(",", matchers.kinds()))
        .param("createdAt", utc(now))
        .update();
    log.info(
        "Maintenance window {} ({}) from {} to {}: {}",
        window.id(),
        mode.wire(),
        window.start(),
        window.end(),
        Escape.logLine(window.reason()));
    invalidate();
    return find(window.id()).orElse(window);
  }

  /** Stops a window now (it stays listed as deleted); empty when there is no such window. */
  public Optional<MaintenanceWindow> delete(String id) {
    Optional<MaintenanceWindow> window = find(id);
    if (window.isEmpty()) {
      return window;
    }
    if (window.get().deletedAt() != null) {
      return window;
    }
    jdbc.sql("UPDATE maintenance_window SET deleted_at = :now WHERE window_id = :id")
        .param("now", utc(clock.instant()))
        .param("id", id)
        .update();
    log.info("Maintenance window {} deleted", id);
    invalidate();
    return find(id);
  }

  public Optional<MaintenanceWindow> find(String id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM maintenance_window WHERE window_id = :id")
        .param("id", id)
        .query(this::toWindow)
        .optional();
  }

  /** Every window, newest start first (ended and deleted ones are the audit trail). */
  public List<MaintenanceWindow> list(int limit) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM maintenance_window ORDER BY starts_at DESC")
        .withMaxRows(limit)
        .query(this::toWindow)
        .list();
  }

  /** Windows active now. */
  public List<MaintenanceWindow> active() {
    Instant now = clock.instant();
    return current().stream().filter(w -> w.state(now) == MaintenanceWindow.State.ACTIVE).toList();
  }

  @Override
  public Optional<String> reason(Incident.Item item, Instant at) {
    return current().stream()
        .filter(w -> w.expects(item, at))
        .findFirst()
        .map(w -> "maintenance window " + w.id() + " (" + Escape.logLine(w.reason()) + ")");
  }

  /**
   * A window that expected the change has ended (or was deleted) and none covers the item now. Only
   * windows that ended within the last hour are considered: the check runs as windows end.
   */
  @Override
  public boolean lapsed(Incident.Item item, Instant at, Instant now) {
    List<MaintenanceWindow> windows = current();
    return windows.stream().anyMatch(w -> w.expects(item, at))
        && windows.stream().noneMatch(w -> w.expects(item, now));
  }

  /** Windows that may still cover a change being decided now (ended in the last hour or later). */
  private List<MaintenanceWindow> current() {
    Instant now = clock.instant();
    List<MaintenanceWindow> windows = cached;
    if (windows == null || Duration.between(cachedAt, now).compareTo(CACHE_FOR) > 0) {
      windows =
          jdbc.sql("SELECT " + COLUMNS + " FROM maintenance_window WHERE ends_at > :since")
              .param("since", utc(now.minus(Duration.ofHours(1))))
              .query(this::toWindow)
              .list();
      cached = windows;
      cachedAt = now;
    }
    return windows;
  }

  private void invalidate() {
    cached = null;
  }

  private MaintenanceWindow toWindow(ResultSet rs, int row) throws SQLException {
    return new MaintenanceWindow(
        rs.getString("window_id"),
        instant(rs, "starts_at"),
        instant(rs, "ends_at"),
        rs.getString("reason"),
        MaintenanceWindow.Mode.valueOf(rs.getString("mode")),
        new MaintenanceWindow.Matchers(
            split(rs.getString("match_sets")),
            split(rs.getString("match_tenants")),
            split(rs.getString("match_namespaces")),
            split(rs.getString("match_kinds"))),
        instant(rs, "created_at"),
        instant(rs, "deleted_at"));
  }

  private static List<String> split(String joined) {
    return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
