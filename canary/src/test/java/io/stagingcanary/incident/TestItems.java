package io.stagingcanary.incident;

import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelStatus;
import io.stagingcanary.diff.StatusType;
import java.util.List;

/** Incident items for tests: the plainest verdict of each status. */
public final class TestItems {

  private TestItems() {}

  /** An item whose verdict has no reasons, field changes or uids beyond what its status needs. */
  public static Incident.Item item(ResourceKey key, String set, String tenant, StatusType status) {
    return new Incident.Item(key, set, tenant, status(status));
  }

  /** The plainest verdict of a status. */
  public static SentinelStatus status(StatusType status) {
    return switch (status) {
      case PRESENT -> new SentinelStatus.Present();
      case MISSING -> new SentinelStatus.Missing();
      case REPLACED -> new SentinelStatus.Replaced("uid-old", "uid-new");
      case MODIFIED ->
          new SentinelStatus.Modified(
              List.of(
                  new io.stagingcanary.diff.FieldChange(
                      "data.key", "expected", "changed", "value changed")));
      case DEGRADED -> new SentinelStatus.Degraded(List.of("terminating"), List.of());
      case UNKNOWN -> new SentinelStatus.Unknown("kind not observed");
    };
  }
}
