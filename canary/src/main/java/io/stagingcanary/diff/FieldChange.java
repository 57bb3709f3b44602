package io.stagingcanary.diff;

/**
 * One value the agent set that is now different.
 *
 * @param path e.g. {@code metadata.labels["stagingcanary.io/sentinel"]} or {@code spec.replicas}
 * @param actual null when the field was removed
 * @param reason e.g. "label removed", "value changed", "ownership: requester changed"
 */
public record FieldChange(String path, Object expected, Object actual, String reason) {

  /** Whether this change breaks the ownership of a tenant. */
  public boolean ownership() {
    return reason.startsWith("ownership:");
  }
}
