package io.stagingcanary.attribution;

import io.stagingcanary.incident.ItemAttribution;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The records of requests about sentinels, in the ledger database, bounded by {@code
 * canary.attribution.retention} and {@code canary.attribution.max-records}.
 */
@Component
class ObservedRequestStore {

  private static final String COLUMNS =
      "source, request_id, verb, api_group, resource, kind, namespace, name, uid, owner_uids,"
          + " username, user_groups, user_extra, user_agent, source_ips, dry_run, observed_at,"
          + " received_at";

  private final JdbcClient jdbc;
  private final Clock clock;
  private final AttributionProperties properties;

  ObservedRequestStore(DataSource dataSource, Clock clock, AttributionProperties properties) {
    this.jdbc = JdbcClient.create(dataSource);
    this.clock = clock;
    this.properties = properties;
  }

  void add(ObservedRequest r) {
    jdbc.sql(
            "INSERT INTO attribution_record ("
                + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            r.source().name(),
            cut(r.requestId(), 64),
            cut(r.verb(), 32),
            cut(r.apiGroup(), 253),
            cut(r.resource(), 253),
            cut(r.kind(), 253),
            cut(r.namespace(), 253),
            cut(r.name(), 253),
            cut(r.uid(), 64),
            String.join("\n", r.ownerUids()),
            cut(r.username(), 512),
            String.join("\n", r.groups()),
            extra(r.extra()),
            cut(r.userAgent(), 1024),
            String.join("\n", r.sourceIps()),
            r.dryRun(),
            r.at().atOffset(ZoneOffset.UTC),
            OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
        .update();
  }

  /** Records about objects in these namespaces ("" for cluster-scoped) made since {@code from}. */
  List<ObservedRequest> since(Instant from, List<String> namespaces) {
    if (namespaces.isEmpty()) {
      return List.of();
    }
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM attribution_record WHERE observed_at >= :from AND namespace IN"
                + " (:namespaces) ORDER BY observed_at, record_id")
        .param("from", from.atOffset(ZoneOffset.UTC))
        .param("namespaces", namespaces)
        .query((rs, n) -> map(rs))
        .list();
  }

  /** Records about objects with one of these uids (owners of garbage-collected items). */
  List<ObservedRequest> withUids(List<String> uids) {
    if (uids.isEmpty()) {
      return List.of();
    }
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM attribution_record WHERE uid IN (:uids) ORDER BY observed_at")
        .param("uids", uids)
        .query((rs, n) -> map(rs))
        .list();
  }

  /** Drops records older than the retention, then the oldest beyond the maximum count. */
  int prune() {
    Instant oldest = clock.instant().minus(properties.retention());
    int dropped =
        jdbc.sql("DELETE FROM attribution_record WHERE received_at < ?")
            .param(oldest.atOffset(ZoneOffset.UTC))
            .update();
    long count = jdbc.sql("SELECT COUNT(*) FROM attribution_record").query(Long.class).single();
    long excess = count - properties.maxRecords();
    if (excess > 0) {
      Long keepFrom =
          jdbc.sql(
                  "SELECT record_id FROM attribution_record ORDER BY record_id"
                      + " OFFSET "
                      + excess
                      + " ROWS FETCH FIRST 1 ROWS ONLY")
              .query(Long.class)
              .optional()
              .orElse(Long.MAX_VALUE);
      dropped +=
          jdbc.sql("DELETE FROM attribution_record WHERE record_id < ?").param(keepFrom).update();
    }
    return dropped;
  }

  long count() {
    return jdbc.sql("SELECT COUNT(*) FROM attribution_record").query(Long.class).single();
  }

  private static String cut(String value, int max) {
    return value == null || value.length() <= max ? value : value.substring(0, max);
  }

  private static String extra(Map<String, List<String>> extra) {
    StringBuilder text = new StringBuilder();
    extra.forEach(
        (k, v) -> v.forEach(value -> text.append(k).append('=').append(value).append('\n')));
    return text.toString();
  }

  private static ObservedRequest map(ResultSet rs) throws SQLException {
    Map<String, List<String>> extra = new LinkedHashMap<>();
    for (String line : lines(rs.getString("user_extra"))) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        extra
            .computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>())
            .add(line.substring(eq + 1));
      }
    }
    return new ObservedRequest(
        ItemAttribution.Source.valueOf(rs.getString("source")),
        rs.getString("request_id"),
        rs.getString("verb"),
        rs.getString("api_group"),
        rs.getString("resource"),
        rs.getString("kind"),
        rs.getString("namespace"),
        rs.getString("name"),
        rs.getString("uid"),
        lines(rs.getString("owner_uids")),
        rs.getString("username"),
        lines(rs.getString("user_groups")),
        extra,
        rs.getString("user_agent"),
        lines(rs.getString("source_ips")),
        rs.getBoolean("dry_run"),
        rs.getObject("observed_at", OffsetDateTime.class).toInstant());
  }

  private static List<String> lines(String value) {
    return value == null || value.isEmpty() ? List.of() : List.of(value.split("\n"));
  }
}
