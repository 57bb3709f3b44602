package io.stagingcanary.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

/** Checks one verdict against its entry in expected.yaml. */
final class ExpectedVerdict {

  private ExpectedVerdict() {}

  static void assertMatches(SentinelResult actual, Map<String, Object> expected) {
    String id = actual.key().id();
    assertThat(actual.type().name()).as(id).isEqualTo(expected.get("status"));
    assertThat(actual.set()).as(id + " set").isEqualTo(expected.get("set"));
    assertThat(actual.tenant()).as(id + " tenant").isEqualTo(expected.get("tenant"));
    assertThat(reasons(actual.status())).as(id + " reasons").isEqualTo(list(expected, "reasons"));
    List<FieldChange> changes = changes(actual.status());
    List<Map<String, Object>> wanted = list(expected, "changes");
    assertThat(changes).as(id + " changes").hasSize(wanted.size());
    for (int i = 0; i < wanted.size(); i++) {
      Map<String, Object> w = wanted.get(i);
      FieldChange c = changes.get(i);
      assertThat(c.path()).as(id + " path").isEqualTo(w.get("path"));
      assertThat(c.reason()).as(id + " reason of " + c.path()).isEqualTo(w.get("reason"));
      if (w.containsKey("expected")) {
        assertThat(c.expected()).as(id + " expected of " + c.path()).isEqualTo(w.get("expected"));
      }
      if (w.containsKey("actual")) {
        assertThat(c.actual()).as(id + " actual of " + c.path()).isEqualTo(w.get("actual"));
      }
    }
    if (actual.status() instanceof SentinelStatus.Replaced r) {
      assertThat(r.expectedUid()).isEqualTo(expected.get("expectedUid"));
      assertThat(r.actualUid()).isEqualTo(expected.get("actualUid"));
    }
  }

  private static List<String> reasons(SentinelStatus status) {
    if (status instanceof SentinelStatus.Unknown u) {
      return List.of(u.reason());
    }
    return status instanceof SentinelStatus.Degraded d ? d.reasons() : List.of();
  }

  private static List<FieldChange> changes(SentinelStatus status) {
    if (status instanceof SentinelStatus.Modified m) {
      return m.changes();
    }
    return status instanceof SentinelStatus.Degraded d ? d.changes() : List.of();
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> list(Map<String, Object> map, String key) {
    Object value = map.get(key);
    return value == null ? List.of() : (List<T>) value;
  }
}
