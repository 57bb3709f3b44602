package io.stagingcanary.diff;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the ledger says the agent seeded: identity, set, tenant, uid the API server gave it and the
 * applied manifest. Expected labels, annotations and content are derived from the manifest.
 *
 * @param uid null when the ledger never learned the uid (Replaced cannot be judged then)
 */
public record ExpectedSentinel(
    ResourceKey key, String set, String tenant, String uid, Map<String, Object> manifest) {

  public ExpectedSentinel {
    Objects.requireNonNull(key, "key");
    manifest = FrozenTrees.map(manifest);
  }

  /** A sentinel whose key is read from the manifest itself. */
  public static ExpectedSentinel of(
      String set, String tenant, String uid, Map<String, Object> manifest) {
    return new ExpectedSentinel(Normalizer.keyOf(manifest), set, tenant, uid, manifest);
  }

  /** The manifest normalised like a live object, so both sides compare alike. */
  public ObservedState expectedState() {
    ObservedState state = Normalizer.observe(manifest);
    return new ObservedState(
        key,
        uid,
        null,
        state.labels(),
        state.annotations(),
        "Secret".equals(key.kind()) ? secretContent(state.content()) : state.content(),
        null,
        null,
        state.volumeName(),
        null);
  }

  /** Labels the agent set. */
  public Map<String, String> expectedLabels() {
    return expectedState().labels();
  }

  /** Annotations the agent set, without server-managed ones. */
  public Map<String, String> expectedAnnotations() {
    return expectedState().annotations();
  }

  /** Content the agent set (Secret stringData folded into base64 data, as the server does). */
  public Map<String, Object> expectedContent() {
    return expectedState().content();
  }

  private static Map<String, Object> secretContent(Map<String, Object> content) {
    if (!(content.get("stringData") instanceof Map<?, ?> stringData)) {
      return content;
    }
    Map<String, Object> result = new LinkedHashMap<>(content);
    result.remove("stringData");
    Map<String, Object> data = new LinkedHashMap<>();
    if (content.get("data") instanceof Map<?, ?> existing) {
      existing.forEach((k, v) -> data.put(String.valueOf(k), v));
    }
    Base64.Encoder encoder = Base64.getEncoder();
    stringData.forEach(
        (k, v) ->
            data.put(
                String.valueOf(k),
                encoder.encodeToString(String.valueOf(v).getBytes(StandardCharsets.UTF_8))));
    result.put("data", data);
    return result;
  }
}
