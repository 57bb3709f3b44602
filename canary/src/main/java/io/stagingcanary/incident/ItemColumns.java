package io.stagingcanary.incident;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagingcanary.diff.FieldChange;
import io.stagingcanary.diff.Json;
import io.stagingcanary.diff.SentinelStatus;
import io.stagingcanary.diff.StatusType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a sentinel's verdict is kept in an {@code incident_item} row: {@code status}, {@code reasons}
 * (a JSON array of strings), {@code field_changes} (a JSON array of {@code {path, before, after,
 * reason}}; {@code after} null when the field was removed), {@code expected_uid} and {@code
 * actual_uid} (Replaced only).
 */
record ItemColumns(
    StatusType status, String reasons, String fieldChanges, String expectedUid, String actualUid) {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<List<Map<String, Object>>> OBJECTS = new TypeReference<>() {};

  /** The columns of a verdict. */
  static ItemColumns of(SentinelStatus change) {
    List<String> reasons = new ArrayList<>();
    List<FieldChange> changes = new ArrayList<>();
    String expectedUid = null;
    String actualUid = null;
    if (change instanceof SentinelStatus.Unknown u) {
      reasons.add(u.reason());
    } else if (change instanceof SentinelStatus.Degraded d) {
      reasons.addAll(d.reasons());
      changes.addAll(d.changes());
    } else if (change instanceof SentinelStatus.Modified m) {
      changes.addAll(m.changes());
    } else if (change instanceof SentinelStatus.Replaced r) {
      expectedUid = r.expectedUid();
      actualUid = r.actualUid();
    }
    List<Map<String, Object>> fieldChanges = new ArrayList<>();
    for (FieldChange c : changes) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("path", c.path());
      m.put("before", c.expected());
      m.put("after", c.actual());
      m.put("reason", c.reason());
      fieldChanges.add(m);
    }
    return new ItemColumns(
        change.type(), Json.write(reasons), Json.write(fieldChanges), expectedUid, actualUid);
  }

  /** The verdict these columns hold. */
  SentinelStatus change() {
    return switch (status) {
      case PRESENT -> new SentinelStatus.Present();
      case MISSING -> new SentinelStatus.Missing();
      case REPLACED -> new SentinelStatus.Replaced(expectedUid, actualUid);
      case MODIFIED -> new SentinelStatus.Modified(changeList());
      case DEGRADED -> new SentinelStatus.Degraded(reasonList(), changeList());
      case UNKNOWN -> {
        List<String> reasons = reasonList();
        yield new SentinelStatus.Unknown(reasons.isEmpty() ? "" : reasons.get(0));
      }
    };
  }

  private List<String> reasonList() {
    return read(reasons, STRINGS);
  }

  private List<FieldChange> changeList() {
    return read(fieldChanges, OBJECTS).stream()
        .map(
            m ->
                new FieldChange(
                    (String) m.get("path"),
                    m.get("before"),
                    m.get("after"),
                    (String) m.get("reason")))
        .toList();
  }

  private static <T> List<T> read(String json, TypeReference<List<T>> type) {
    if (json == null || json.isBlank()) {
      return List.of();
    }
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("incident item column is not a JSON array: " + json, e);
    }
  }
}
