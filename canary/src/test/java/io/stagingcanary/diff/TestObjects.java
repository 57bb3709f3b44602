package io.stagingcanary.diff;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Small builders for unit tests: objects written as YAML text blocks. */
final class TestObjects {

  private TestObjects() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(String text) {
    try {
      return GoldenCases.YAML.readValue(text, Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObservedState observe(String text) {
    return Normalizer.observe(yaml(text));
  }

  /** A snapshot that observed the kinds of the given objects plus {@code alsoObserved}. */
  static Snapshot snapshot(List<ObservedState> objects, String... alsoObserved) {
    Set<String> kinds = new TreeSet<>(List.of(alsoObserved));
    objects.forEach(o -> kinds.add(Snapshot.kindOf(o.key())));
    return Snapshot.of(Instant.parse("2026-11-22T04:00:00Z"), objects, kinds, Map.of());
  }

  static String configMap(String ns, String name, String uid, String tenant, String mode) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: %s
          namespace: %s
          uid: %s
          labels: {stagingcanary.io/set: paying, stagingcanary.io/tenant: %s}
        data: {mode: %s}
        """
        .formatted(name, ns, uid, tenant, mode);
  }
}
