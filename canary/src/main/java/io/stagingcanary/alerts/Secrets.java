package io.stagingcanary.alerts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A channel's secret: the property's value, or the content of its file; never logged. */
final class Secrets {

  private Secrets() {}

  /** The value if set, else the file's content; an unreadable or empty file stops startup. */
  static String read(String value, Path file, String property) {
    if (value != null && !value.isBlank()) {
      return value.strip();
    }
    try {
      String read = Files.readString(file).strip();
      if (read.isEmpty()) {
        throw new IllegalStateException(property + ": file " + file + " is empty");
      }
      return read;
    } catch (IOException e) {
      throw new IllegalStateException(property + ": cannot read " + file + ": " + e, e);
    }
  }

  static void requireUrl(String url, String property) {
    if (!url.matches(AlertsProperties.URL)) {
      throw new IllegalStateException(property + ": the file does not hold an http(s) URL");
    }
  }
}
