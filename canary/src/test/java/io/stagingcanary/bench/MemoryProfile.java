package io.stagingcanary.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the agent's resident memory is, as text: the mappings of {@code /proc/<pid>/smaps} grouped
 * (Java heap, files, anonymous), {@code jcmd} native memory summary (when the agent runs with
 * {@code -XX:NativeMemoryTracking}), heap layout, and the top of a class histogram. Taken at the
 * point where {@code rss_mib} is read, before the forced GC; the histogram comes last because it
 * collects the heap itself.
 */
final class MemoryProfile {

  private static final Pattern MAPPING =
      Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) \\S+ \\S+ \\S+ \\S+\\s*(.*)$");
  private static final Pattern HEAP_BOUNDS =
      Pattern.compile("\\[0x([0-9a-f]+)((?:, 0x[0-9a-f]+)+)\\)");
  private static final int HISTOGRAM_LINES = 30;

  private MemoryProfile() {}

  /**
   * Writes the profile of {@code pid} to {@code file}; a command that fails is noted, not fatal.
   */
  static void write(long pid, Path file) throws IOException {
    StringBuilder out = new StringBuilder();
    String heapInfo = jcmd(pid, "GC.heap_info");
    out.append("# /proc/").append(pid).append("/smaps, resident MiB by mapping\n\n");
    out.append(smaps(pid, heapRange(heapInfo))).append('\n');
    out.append("# jcmd VM.native_memory summary\n\n")
        .append(jcmd(pid, "VM.native_memory", "summary"))
        .append('\n');
    out.append("# jcmd GC.heap_info\n\n").append(heapInfo).append('\n');
    String histogram = jcmd(pid, "GC.class_histogram");
    out.append("# jcmd GC.class_histogram (live objects, after a full GC), top ")
        .append(HISTOGRAM_LINES)
        .append("\n\n");
    histogram.lines().limit(HISTOGRAM_LINES + 3L).forEach(l -> out.append(l).append('\n'));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, out);
  }

  /** The heap's reserved address range from {@code GC.heap_info} (serial, parallel and G1). */
  static long[] heapRange(String heapInfo) {
    long low = Long.MAX_VALUE;
    long high = 0;
    Matcher matcher = HEAP_BOUNDS.matcher(heapInfo);
    while (matcher.find()) {
      String[] bounds = matcher.group(2).split(", 0x");
      low = Math.min(low, Long.parseUnsignedLong(matcher.group(1), 16));
      high = Math.max(high, Long.parseUnsignedLong(bounds[bounds.length - 1], 16));
    }
    return low < high ? new long[] {low, high} : null;
  }

  /** Resident MiB grouped: the Java heap, each file, anonymous mappings (top ones listed). */
  static String smaps(long pid, long[] heap) throws IOException {
    Path smaps = Path.of("/proc", Long.toString(pid), "smaps");
    if (!Files.isReadable(smaps)) {
      return "(no " + smaps + ")\n";
    }
    Map<String, Long> byGroup = new LinkedHashMap<>();
    List<long[]> anonymous = new ArrayList<>();
    String group = null;
    long start = 0;
    long size = 0;
    for (String line : Files.readAllLines(smaps)) {
      Matcher mapping = MAPPING.matcher(line);
      if (mapping.matches()) {
        start = Long.parseUnsignedLong(mapping.group(1), 16);
        size = Long.parseUnsignedLong(mapping.group(2), 16) - start;
        String name = mapping.group(3).strip();
        if (heap != null && start >= heap[0] && start < heap[1]) {
          group = "Java heap";
        } else if (name.isEmpty()) {
          group = null;
        } else {
          group = name;
        }
      } else if (line.startsWith("Rss:")) {
        long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
        if (group == null) {
          anonymous.add(new long[] {kib, size / 1024});
          byGroup.merge(
              "anonymous (malloc arenas, metaspace, code cache, stacks, ...)", kib, Long::sum);
        } else {
          byGroup.merge(group, kib, Long::sum);
        }
      }
    }
    StringBuilder out = new StringBuilder();
    long total = byGroup.values().stream().mapToLong(Long::longValue).sum();
    out.append(String.format(Locale.ROOT, "%8.1f  total%n", total / 1024.0));
    byGroup.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .filter(e -> e.getValue() >= 1024)
        .forEach(
            e ->
                out.append(
                    String.format(Locale.ROOT, "%8.1f  %s%n", e.getValue() / 1024.0, e.getKey())));
    out.append("\nLargest anonymous mappings (resident / size MiB):\n");
    anonymous.stream()
        .sorted(Comparator.comparingLong((long[] a) -> a[0]).reversed())
        .limit(12)
        .forEach(
            a ->
                out.append(
                    String.format(Locale.ROOT, "%8.1f / %.1f%n", a[0] / 1024.0, a[1] / 1024.0)));
    return out.toString();
  }

  private static String jcmd(long pid, String... command) {
    List<String> line = new ArrayList<>();
    line.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    line.add(Long.toString(pid));
    line.addAll(List.of(command));
    try {
      Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return "(jcmd " + String.join(" ", command) + " timed out)\n";
      }
      return new String(output, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(jcmd " + String.join(" ", command) + " failed: " + e.getMessage() + ")\n";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)\n";
    }
  }
}
