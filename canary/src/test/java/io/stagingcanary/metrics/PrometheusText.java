package io.stagingcanary.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A scrape in the Prometheus text format, reduced to families: name, type and label names. */
record PrometheusText(Map<String, Family> families) {

  /** One metric family as the scrape declares it. */
  record Family(String name, String type, Set<String> labels, int samples) {}

  private static final Pattern TYPE = Pattern.compile("# TYPE (\\S+) (\\S+)");
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+).*");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
  private static final List<String> HISTOGRAM_SUFFIXES = List.of("_bucket", "_count", "_sum");

  static PrometheusText parse(String text) {
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, Set<String>> labels = new TreeMap<>();
    Map<String, Integer> samples = new TreeMap<>();
    for (String line : text.split("\n")) {
      Matcher type = TYPE.matcher(line);
      if (type.matches()) {
        types.put(type.group(1), type.group(2));
        continue;
      }
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line);
      if (!sample.matches()) {
        throw new IllegalArgumentException("not a sample line: " + line);
      }
      String family = familyOf(sample.group(1), types);
      Set<String> names = labels.computeIfAbsent(family, f -> new TreeSet<>());
      if (sample.group(3) != null) {
        Matcher label = LABEL.matcher(sample.group(3));
        while (label.find()) {
          names.add(label.group(1));
        }
      }
      samples.merge(family, 1, Integer::sum);
    }
    Map<String, Family> families = new TreeMap<>();
    types.forEach(
        (name, type) ->
            families.put(
                name,
                new Family(
                    name,
                    type,
                    labels.getOrDefault(name, Set.of()),
                    samples.getOrDefault(name, 0))));
    return new PrometheusText(families);
  }

  private static String familyOf(String sampleName, Map<String, String> types) {
    if (types.containsKey(sampleName)) {
      return sampleName;
    }
    for (String suffix : HISTOGRAM_SUFFIXES) {
      if (sampleName.endsWith(suffix)) {
        String base = sampleName.substring(0, sampleName.length() - suffix.length());
        if (types.containsKey(base)) {
          return base;
        }
      }
    }
    throw new IllegalArgumentException("sample without a # TYPE line: " + sampleName);
  }

  /** Families whose name starts with the prefix, with samples. */
  Map<String, Family> withPrefix(String prefix) {
    Map<String, Family> selected = new TreeMap<>();
    families.forEach(
        (name, family) -> {
          if (name.startsWith(prefix) && family.samples() > 0) {
            selected.put(name, family);
          }
        });
    return selected;
  }
}
