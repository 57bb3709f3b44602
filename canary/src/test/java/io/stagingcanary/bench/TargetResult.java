package io.stagingcanary.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one workload run on one target measured: the numbers for the JSON (keyed by their JSON
 * names, see {@link ResultsWriter#REQUIRED_KEYS}) and the rows and notes for the Markdown table. A
 * skipped target carries only the reason.
 */
final class TargetResult {

  /** One line of the Markdown table. */
  record Row(String measurement, String result, String target, String verdict) {}

  private final String target;
  private final String skipped;
  private final Map<String, Double> metrics = new LinkedHashMap<>();
  private final List<Row> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private String description = "";

  private TargetResult(String target, String skipped) {
    this.target = target;
    this.skipped = skipped;
  }

  static TargetResult measured(String target) {
    return new TargetResult(target, null);
  }

  static TargetResult skipped(String target, String reason) {
    return new TargetResult(target, reason);
  }

  String target() {
    return target;
  }

  boolean isSkipped() {
    return skipped != null;
  }

  String skipReason() {
    return skipped;
  }

  /** Records a number under its JSON key; {@code NaN} means "not measured" (JSON {@code null}). */
  void put(String key, double value) {
    metrics.put(key, value);
  }

  double get(String key) {
    return metrics.getOrDefault(key, Double.NaN);
  }

  Map<String, Double> metrics() {
    return metrics;
  }

  void row(String measurement, String result, String target, String verdict) {
    rows.add(new Row(measurement, result, target, verdict));
  }

  List<Row> rows() {
    return rows;
  }

  void note(String note) {
    notes.add(note);
  }

  List<String> notes() {
    return notes;
  }

  void describe(String text) {
    this.description = text;
  }

  String description() {
    return description;
  }
}
