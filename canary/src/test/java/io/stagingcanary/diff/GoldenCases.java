package io.stagingcanary.diff;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** Loads the golden case folders under {@code src/test/resources/diff/<case>/}. */
final class GoldenCases {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Instant TAKEN_AT = Instant.parse("2026-11-22T04:00:00Z");

  private GoldenCases() {}

  static Path root() {
    try {
      return Path.of(GoldenCases.class.getResource("/diff").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Stream<String> names() throws IOException {
    try (Stream<Path> dirs = Files.list(root())) {
      return dirs
          .filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList()
          .stream();
    }
  }

  @SuppressWarnings("unchecked")
  static <T> T read(Path file) throws IOException {
    return (T) YAML.readValue(file.toFile(), Object.class);
  }

  /** Runs the case: ledger mode when ledger.yaml exists, two-snapshot mode otherwise. */
  static DiffResult run(Path dir, boolean shuffled) throws IOException {
    return run(dir, shuffled, UnaryOperator.identity());
  }

  /** Runs the case with every live object (before and after) passed through {@code live} first. */
  static DiffResult run(Path dir, boolean shuffled, UnaryOperator<Map<String, Object>> live)
      throws IOException {
    List<Map<String, Object>> after = items(dir.resolve("after.yaml")).stream().map(live).toList();
    Map<String, String> blind =
        Files.exists(dir.resolve("unobserved.yaml"))
            ? read(dir.resolve("unobserved.yaml"))
            : Map.of();
    if (shuffled) {
      after = reversed(after);
    }
    Path ledgerFile = dir.resolve("ledger.yaml");
    if (Files.exists(ledgerFile)) {
      List<Map<String, Object>> entries = read(ledgerFile);
      List<ExpectedSentinel> ledger = new ArrayList<>();
      for (Map<String, Object> e : entries) {
        @SuppressWarnings("unchecked")
        Map<String, Object> manifest = (Map<String, Object>) e.get("manifest");
        ledger.add(
            ExpectedSentinel.of(
                (String) e.get("set"), (String) e.get("tenant"), (String) e.get("uid"), manifest));
      }
      Set<String> kinds = new TreeSet<>();
      ledger.forEach(s -> kinds.add(Snapshot.kindOf(s.key())));
      return Diff.compare(shuffled ? reversed(ledger) : ledger, snapshot(after, kinds, blind));
    }
    List<Map<String, Object>> before =
        items(dir.resolve("before.yaml")).stream().map(live).toList();
    Set<ResourceKey> sentinels = new TreeSet<>();
    Set<String> kinds = new TreeSet<>();
    for (Map<String, Object> o : concat(before, after)) {
      ObservedState state = Normalizer.observe(o);
      kinds.add(Snapshot.kindOf(state.key()));
      if ("true".equals(state.label("stagingcanary.io/sentinel"))) {
        sentinels.add(state.key());
      }
    }
    return Diff.between(
        snapshot(before, kinds, Map.of()), snapshot(after, kinds, blind), sentinels);
  }

  private static Snapshot snapshot(
      List<Map<String, Object>> objects, Set<String> ledgerKinds, Map<String, String> blind) {
    List<ObservedState> states = objects.stream().map(Normalizer::observe).toList();
    Set<String> kinds = new TreeSet<>(ledgerKinds);
    states.forEach(s -> kinds.add(Snapshot.kindOf(s.key())));
    kinds.removeAll(blind.keySet());
    return Snapshot.of(TAKEN_AT, states, kinds, blind);
  }

  static List<Map<String, Object>> items(Path file) throws IOException {
    Map<String, Object> list = read(file);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> items = (List<Map<String, Object>>) list.get("items");
    return items;
  }

  private static <T> List<T> reversed(List<T> list) {
    List<T> copy = new ArrayList<>(list);
    java.util.Collections.reverse(copy);
    return copy;
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
