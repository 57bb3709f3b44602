package io.stagingcanary.rules;

import java.util.List;

/** The judgement of one ops-tool run. */
public sealed interface Verdict {

  /** {@code PASS}, {@code FAIL} or {@code ERROR}. */
  String name();

  /** Notes that did not fail the run (e.g. an ineffective run under {@code ineffective: warn}). */
  List<String> warnings();

  /** Nothing outside the blast radius changed and the tool did its job. */
  record Pass(List<String> warnings) implements Verdict {
    public Pass {
      warnings = List.copyOf(warnings);
    }

    public String name() {
      return "PASS";
    }
  }

  /** At least one rule was broken. */
  record Fail(List<Violation> violations, List<String> warnings) implements Verdict {
    public Fail {
      violations = List.copyOf(violations);
      warnings = List.copyOf(warnings);
      if (violations.isEmpty()) {
        throw new IllegalArgumentException("a FAIL needs violations");
      }
    }

    public String name() {
      return "FAIL";
    }
  }

  /** The run could not be judged (e.g. blind during the run, no baseline). */
  record Error(String reason) implements Verdict {
    public String name() {
      return "ERROR";
    }

    public List<String> warnings() {
      return List.of();
    }
  }

  /** The verdict names. */
  static List<String> names() {
    return List.of("PASS", "FAIL", "ERROR");
  }
}
