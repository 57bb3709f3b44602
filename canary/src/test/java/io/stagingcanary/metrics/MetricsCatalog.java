package io.stagingcanary.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The metrics catalog, docs/metrics.md: one table row per {@code canary_*} metric. */
record MetricsCatalog(Map<String, Entry> entries) {

  /** One row: name, Prometheus type, tag names (without the common {@code cluster}). */
  record Entry(String name, String type, Set<String> tags, boolean always) {}

  private static final Pattern ROW =
      Pattern.compile("\\|\\s*`(canary_[a-z0-9_]+)`\\s*\\|([^|]*)\\|([^|]*)\\|([^|]*)\\|.*");

  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("docs"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no docs/ above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  static MetricsCatalog load() {
    try {
      return parse(Files.readString(repositoryRoot().resolve("docs/metrics.md")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static MetricsCatalog parse(String markdown) {
    Map<String, Entry> entries = new TreeMap<>();
    for (String line : markdown.split("\n")) {
      Matcher row = ROW.matcher(line.strip());
      if (!row.matches()) {
        continue;
      }
      Set<String> tags =
          Arrays.stream(row.group(3).split(","))
              .map(t -> t.replace("`", "").strip())
              .filter(t -> !t.isEmpty())
              .collect(Collectors.toCollection(TreeSet::new));
      String appears = row.group(4).strip();
      if (!appears.equals("always") && !appears.equals("after first use")) {
        throw new IllegalArgumentException(
            "Appears must be 'always' or 'after first use': " + line);
      }
      Entry entry = new Entry(row.group(1), row.group(2).strip(), tags, appears.equals("always"));
      if (entries.put(entry.name(), entry) != null) {
        throw new IllegalArgumentException("listed twice: " + entry.name());
      }
    }
    return new MetricsCatalog(entries);
  }

  /** The family a PromQL series name belongs to ({@code _bucket}, {@code _count}, {@code _sum}). */
  String familyOf(String series) {
    if (entries.containsKey(series)) {
      return series;
    }
    for (String suffix : new String[] {"_bucket", "_count", "_sum"}) {
      if (series.endsWith(suffix)) {
        String base = series.substring(0, series.length() - suffix.length());
        Entry entry = entries.get(base);
        if (entry != null && entry.type().equals("histogram")) {
          return base;
        }
      }
    }
    return null;
  }

  /** Every {@code canary_*} name in a PromQL expression or query. */
  static Set<String> canaryNamesIn(String promql) {
    Set<String> names = new TreeSet<>();
    Matcher matcher = Pattern.compile("\\bcanary_[a-z0-9_]+").matcher(promql);
    while (matcher.find()) {
      names.add(matcher.group());
    }
    return names;
  }
}
