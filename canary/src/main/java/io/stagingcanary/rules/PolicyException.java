package io.stagingcanary.rules;

/** A tool policy that cannot be used; names the field (dotted path) that is wrong. */
public final class PolicyException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;
  private final String field;

  public PolicyException(String field, String message) {
    super("field " + field + ": " + message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
