package io.stagingcanary.verification;

import io.stagingcanary.diff.ResourceKey;
import java.util.List;
import java.util.Map;

/**
 * Problems of a sentinel that its object does not show, found by another feature (the data inside a
 * PVC). A sentinel that is present gets them as DEGRADED reasons, so they open an incident like any
 * other degradation. Register with {@link VerificationRequests#register(ExtraDegradations)}.
 */
public interface ExtraDegradations {

  /** Current reasons per sentinel, e.g. {@code data: content sha256 ... is not the seeded ...}. */
  Map<ResourceKey, List<String>> reasons();
}
