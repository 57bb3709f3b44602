package io.stagingcanary.runs;

/** A policy file that cannot be used: names the file and the field. */
public class PolicyFileException extends RuntimeException {

  private static final long serialVersionUID = 1L;
  private final String file;
  private final String field;

  public PolicyFileException(String file, String field, String message) {
    super(file + (field == null ? "" : ", field " + field) + ": " + message);
    this.file = file;
    this.field = field;
  }

  public String file() {
    return file;
  }

  public String field() {
    return field;
  }
}
