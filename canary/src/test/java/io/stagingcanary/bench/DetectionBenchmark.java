package io.stagingcanary.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.stagingcanary.bench.BenchFixtures.Target;
import io.stagingcanary.sandbox.SandboxCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The detection benchmark: a command, not a test. Starts the packaged agent as its own JVM on the
 * sandbox profile with a generated set of N sentinels, deletes sentinels one by one through a
 * separate client, and prints a Markdown table of seed time, delete-to-incident latency, full
 * verification time and requests, memory, and {@code kubectl get ... -o json} twice plus a diff.
 *
 * <p>Run it with {@code ./mvnw -pl canary -Pbench -DskipTests package exec:exec} (see
 * docs/performance.md). Settings are system properties: {@code bench.sentinels} (10000), {@code
 * bench.tenants} (100), {@code bench.deletions} (200), {@code bench.verifications} (5), {@code
 * bench.reseed} (after-incident), {@code bench.sandbox} (external), {@code bench.agent-jvm-args}
 * (none), {@code bench.jar}, {@code bench.output}, {@code bench.timeout} (PT45M), {@code
 * bench.keep} (false).
 */
public final class DetectionBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SEEDED =
      Pattern.compile("Seeding (seed-\\S+) on cluster \\S+ finished in (\\d+) ms: (.*)");
  private static final Duration POLL = Duration.ofMillis(20);
  private static final Duration PER_DELETION = Duration.ofSeconds(15);
  private static final double DETECTION_P99_TARGET_MS = 1000;
  private static final double VERIFICATION_TARGET_MS = 2000;
  private static final double OVERVIEW_TARGET_MS = 300;
  private static final long RSS_TARGET_MIB = 384;

  private final int sentinels = Integer.getInteger("bench.sentinels", 10_000);
  private final int tenants = Integer.getInteger("bench.tenants", 100);
  private final int deletions = Integer.getInteger("bench.deletions", 200);
  private final int verifications = Integer.getInteger("bench.verifications", 5);
  private final String reseed = System.getProperty("bench.reseed", "after-incident");
  private final boolean externalSandbox =
      !"in-agent".equals(System.getProperty("bench.sandbox", "external"));
  private final List<String> agentJvmArgs =
      Arrays.stream(System.getProperty("bench.agent-jvm-args", "").trim().split("\\s+"))
          .filter(s -> !s.isBlank())
          .toList();
  private final Path jar = Path.of(System.getProperty("bench.jar", "canary/target/canary.jar"));
  private final Path output =
      Path.of(System.getProperty("bench.output", "canary/target/bench-results.md"));
  private final Duration timeout = Duration.parse(System.getProperty("bench.timeout", "PT45M"));
  private final boolean keep = Boolean.getBoolean("bench.keep");
  private final Instant deadline = Instant.now().plus(timeout);
  private final List<String[]> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    int code;
    try {
      code = new DetectionBenchmark().run();
    } catch (Exception e) {
      System.err.println("Benchmark failed: " + e);
      e.printStackTrace();
      code = 1;
    }
    System.exit(code);
  }

  private int run() throws Exception {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " not found: build it first with ./mvnw -q -DskipTests package");
    }
    Path work = Files.createTempDirectory("canary-bench-");
    Path fixturesRoot = work.resolve("fixtures");
    BenchFixtures fixtures = BenchFixtures.write(fixturesRoot, sentinels, tenants);
    int httpPort = freePort();
    int sandboxPort = freePort();
    SandboxCluster sandbox = null;
    Path kubeconfig = work.resolve("data").resolve("kubeconfig");
    if (externalSandbox) {
      quietMockServerLog();
      sandbox = SandboxCluster.start("127.0.0.1", sandboxPort, BenchFixtures.kinds());
      sandbox.writeKubeconfig(kubeconfig);
    }
    say(
        "Generated %d sentinels in %d tenants; starting the agent (HTTP %d, sandbox %d %s)",
        fixtures.total(),
        fixtures.tenants(),
        httpPort,
        sandboxPort,
        externalSandbox ? "in the benchmark JVM" : "in the agent JVM");
    Instant launched = Instant.now();
    AgentProcess agent =
        AgentProcess.start(
            jar,
            agentJvmArgs,
            work,
            fixturesRoot,
            httpPort,
            sandboxPort,
            externalSandbox ? kubeconfig : null,
            reseed);
    Runtime.getRuntime().addShutdownHook(new Thread(agent::close));
    try {
      measure(agent, fixtures, launched, sandboxPort, kubeconfig, work);
    } catch (Exception e) {
      System.err.println("--- agent log tail ---\n" + agent.logTail(40));
      throw e;
    } finally {
      agent.close();
      if (sandbox != null) {
        sandbox.close();
      }
      if (!keep) {
        deleteTree(work);
      } else {
        say("Kept the work directory %s", work);
      }
    }
    String table = render(fixtures);
    System.out.println();
    System.out.println(table);
    Files.createDirectories(output.toAbsolutePath().getParent());
    Files.writeString(output, table);
    say("Results written to %s", output);
    return 0;
  }

  private void measure(
      AgentProcess agent,
      BenchFixtures fixtures,
      Instant launched,
      int sandboxPort,
      Path kubeconfig,
      Path work)
      throws Exception {
    // 1. Seeding, then wait until every sentinel is verified present and the agent is HEALTHY.
    Matcher seeded = awaitLog(agent, SEEDED);
    Instant seededSeen = Instant.now();
    long seedMillis = Long.parseLong(seeded.group(2));
    awaitHealthy(agent, fixtures.total());
    Instant ready = Instant.now();
    row(
        String.format("Seed %,d sentinels (agent's seeding pass, from its log)", fixtures.total()),
        String.format(Locale.ROOT, "%.1f s — %s", seedMillis / 1000.0, seeded.group(3)),
        "—",
        "—");
    row(
        "Agent JVM launch → seeded → all sentinels verified and HEALTHY (wall)",
        String.format(
            Locale.ROOT,
            "%.1f s → %.1f s",
            secondsBetween(launched, seededSeen),
            secondsBetween(launched, ready)),
        "—",
        "—");

    // 2. Full verification, on demand, several times.
    verify(agent, fixtures);

    // 2b. The on-call overview page at this size.
    overview(agent, fixtures);

    // 3. Deletions.
    String url = "http://127.0.0.1:" + sandboxPort;
    try (KubernetesClient client = client(url)) {
      deletions(agent, client, fixtures);
      checkPagination(client, fixtures);
    }

    // 4. Memory, measured after the workload: RSS first (before any forced GC), then heap after GC.
    memory(agent);

    // 5. The obvious alternative.
    kubectl(kubeconfig, work, fixtures);
  }

  /** Held so that java.util.logging does not forget the level. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private static void quietMockServerLog() {
    // The mock server logs every request at INFO; 10,000 creates would drown the results.
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  // ---- 1

  private Matcher awaitLog(AgentProcess agent, Pattern pattern) throws Exception {
    while (true) {
      checkAlive(agent);
      Matcher matcher = pattern.matcher(agent.logText());
      if (matcher.find()) {
        return matcher;
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
  }

  private void awaitHealthy(AgentProcess agent, int expected) throws Exception {
    int stable = 0;
    String last = "";
    while (stable < 3) {
      checkAlive(agent);
      Optional<JsonNode> status = agent.get("/api/v1/status");
      if (status.isPresent()) {
        JsonNode s = status.get();
        last = s.path("state").asText() + " present=" + s.path("present").asInt();
        boolean healthy =
            "HEALTHY".equals(s.path("state").asText())
                && s.path("present").asInt() == expected
                && s.path("expected").asInt() == expected;
        stable = healthy ? stable + 1 : 0;
      }
      if (stable < 3) {
        TimeUnit.SECONDS.sleep(1);
      }
    }
    say("Agent is HEALTHY with %d sentinels present (%s)", expected, last);
  }

  // ---- 2

  private void verify(AgentProcess agent, BenchFixtures fixtures) throws Exception {
    List<Double> took = new ArrayList<>();
    List<Double> wall = new ArrayList<>();
    List<Integer> requests = new ArrayList<>();
    for (int i = 0; i < verifications; i++) {
      checkDeadline();
      long started = System.nanoTime();
      JsonNode result = agent.post("/api/v1/verifications");
      wall.add((System.nanoTime() - started) / 1e6);
      took.add(durationMillis(result.path("took")));
      requests.add(result.path("requests").asInt());
      say(
          "Verification %d: took %.0f ms, %d requests, by state %s",
          i + 1, took.get(i), requests.get(i), result.path("byState"));
    }
    int kinds = 4;
    int pages = fixtures.pagesAt(500);
    double median = percentile(took, 50);
    double max = Collections.max(took);
    row(
        String.format(
            "Full verification, `POST /api/v1/verifications` ×%d: median / max", took.size()),
        String.format(
            Locale.ROOT,
            "%.0f / %.0f ms (agent's `took`; client wall median %.0f ms)",
            median,
            max,
            percentile(wall, 50)),
        "≤ 2 s",
        max <= VERIFICATION_TARGET_MS ? "PASS" : "MISS");
    int maxRequests = Collections.max(requests);
    row(
        "Full verification API requests (page size 500, " + kinds + " kinds)",
        maxRequests + " (kinds × pages at 500 per page = " + pages + ")",
        "≤ 1 per kind per page (≤ " + pages + ")",
        maxRequests <= pages ? "PASS" : "MISS");
  }

  /** Timed {@code GET /} calls after a warm-up; every tenant must be on the page. */
  private void overview(AgentProcess agent, BenchFixtures fixtures) throws Exception {
    int warmUp = 5;
    int timed = 50;
    List<Double> wall = new ArrayList<>();
    int bytes = 0;
    for (int i = 0; i < warmUp + timed; i++) {
      checkDeadline();
      long started = System.nanoTime();
      java.net.http.HttpResponse<String> page = agent.page("/");
      double millis = (System.nanoTime() - started) / 1e6;
      if (page.statusCode() != 200) {
        throw new IllegalStateException("GET / answered " + page.statusCode());
      }
      int cards = page.body().split("data-tenant=", -1).length - 1;
      if (cards != tenants) {
        throw new IllegalStateException("GET / shows " + cards + " tenants, not " + tenants);
      }
      bytes = page.body().length();
      if (i >= warmUp) {
        wall.add(millis);
      }
    }
    double p99 = percentile(wall, 99);
    say("Overview: median %.1f ms, p99 %.1f ms, %d bytes", percentile(wall, 50), p99, bytes);
    row(
        String.format(
            "Overview page `GET /` ×%d after %d warm-up (%,d tenants, counts per tenant): median /"
                + " p99 / max",
            timed, warmUp, tenants),
        String.format(
            Locale.ROOT,
            "%.1f / %.1f / %.1f ms (%,d bytes of HTML)",
            percentile(wall, 50),
            p99,
            Collections.max(wall),
            bytes),
        "< 300 ms",
        p99 < OVERVIEW_TARGET_MS ? "PASS" : "MISS");
  }

  // ---- 3

  private void deletions(AgentProcess agent, KubernetesClient client, BenchFixtures fixtures)
      throws Exception {
    List<Target> targets = new ArrayList<>(fixtures.configMaps());
    Collections.shuffle(targets, new Random(42));
    int count = Math.min(deletions, targets.size());
    List<Double> opened = new ArrayList<>();
    List<Double> sealed = new ArrayList<>();
    List<Double> deleteCall = new ArrayList<>();
    int timedOut = 0;
    // Warm the deleting client up (connection, serializers, the DELETE path) on an unlabelled
    // ConfigMap the agent does not watch, so that the client's own cold start is not counted.
    for (int i = 0; i < 3; i++) {
      client
          .configMaps()
          .inNamespace("default")
          .resource(
              new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("bench-warm-up")
                  .withNamespace("default")
                  .endMetadata()
                  .build())
          .create();
      client.configMaps().inNamespace("default").withName("bench-warm-up").delete();
    }
    for (int i = 0; i < count; i++) {
      checkDeadline();
      Target target = targets.get(i);
      Instant before = Instant.now();
      var deleted =
          client.configMaps().inNamespace(target.namespace()).withName(target.name()).delete();
      Instant returned = Instant.now();
      if (deleted.isEmpty()) {
        throw new IllegalStateException("delete of " + target + " deleted nothing");
      }
      deleteCall.add(micros(before, returned) / 1000.0);
      Optional<JsonNode> incident = awaitIncident(agent, target, before);
      if (incident.isEmpty()) {
        timedOut++;
        say("Deletion %d: no incident for %s within %s", i + 1, target, PER_DELETION);
        continue;
      }
      JsonNode inc = incident.get();
      opened.add(micros(before, Instant.parse(inc.path("openedAt").asText())) / 1000.0);
      if (inc.hasNonNull("sealedAt")) {
        sealed.add(micros(before, Instant.parse(inc.path("sealedAt").asText())) / 1000.0);
      }
      if ("after-incident".equals(reseed)) {
        awaitResolved(agent, inc.path("id").asText());
      }
      if ((i + 1) % 20 == 0) {
        say(
            "Deletions: %d/%d, p50 so far %.1f ms, max %.1f ms",
            i + 1, count, percentile(opened, 50), Collections.max(opened));
      }
    }
    double p99 = opened.isEmpty() ? Double.NaN : percentile(opened, 99);
    boolean pass = timedOut == 0 && p99 <= DETECTION_P99_TARGET_MS;
    row(
        String.format(
            "Delete → incident **opened** (`openedAt`), p50 / p95 / p99 / max, %d single ConfigMap"
                + " deletions, group window 0s",
            count),
        latencies(opened) + (timedOut > 0 ? " — " + timedOut + " without incident" : ""),
        "p99 ≤ 1 s",
        pass ? "PASS" : "MISS");
    row(
        "Delete → incident **sealed** (`sealedAt`, stored and published), p50 / p95 / p99 / max",
        latencies(sealed),
        "—",
        "—");
    row(
        "DELETE call itself (client send → response), p50 / p99",
        String.format(
            Locale.ROOT, "%.1f / %.1f ms", percentile(deleteCall, 50), percentile(deleteCall, 99)),
        "—",
        "—");
  }

  private Optional<JsonNode> awaitIncident(AgentProcess agent, Target target, Instant notBefore)
      throws Exception {
    Instant until = Instant.now().plus(PER_DELETION);
    while (Instant.now().isBefore(until)) {
      Optional<JsonNode> list = agent.get("/api/v1/incidents?limit=5");
      if (list.isPresent()) {
        for (JsonNode incident : list.get()) {
          if (Instant.parse(incident.path("openedAt").asText())
              .isBefore(notBefore.minusSeconds(1))) {
            continue;
          }
          for (JsonNode item : incident.path("items")) {
            JsonNode key = item.path("key");
            if (target.kind().equals(key.path("kind").asText())
                && target.namespace().equals(key.path("namespace").asText())
                && target.name().equals(key.path("name").asText())
                && incident.hasNonNull("sealedAt")) {
              return Optional.of(incident);
            }
          }
        }
      }
      TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
    }
    return Optional.empty();
  }

  private void awaitResolved(AgentProcess agent, String incidentId) throws Exception {
    Instant until = Instant.now().plus(PER_DELETION);
    while (Instant.now().isBefore(until)) {
      Optional<JsonNode> incident = agent.get("/api/v1/incidents/" + incidentId);
      if (incident.isPresent() && incident.get().hasNonNull("resolvedAt")) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
    }
    say("Incident %s not resolved (re-seeded) within %s", incidentId, PER_DELETION);
  }

  /** Whether the sandbox honours {@code limit}: it decides how many pages a LIST can take. */
  private void checkPagination(KubernetesClient client, BenchFixtures fixtures) {
    int returned =
        client
            .configMaps()
            .inAnyNamespace()
            .withLabel("stagingcanary.io/sentinel", "true")
            .list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(500L).build())
            .getItems()
            .size();
    if (fixtures.configMaps().size() > 500) {
      notes.add(
          returned > 500
              ? "The sandbox (fabric8 mock server) ignores `limit`: a LIST with limit=500 returned "
                  + returned
                  + " ConfigMaps in one page, so every kind is one request here. A real API server"
                  + " pages: expect up to the kinds × pages figure."
              : "The sandbox honoured `limit=500` (returned " + returned + " ConfigMaps).");
    }
  }

  // ---- 4

  private void memory(AgentProcess agent) throws Exception {
    long rssKib = procStatus(agent.pid(), "VmRSS");
    long hwmKib = procStatus(agent.pid(), "VmHWM");
    Optional<Double> heapBeforeGc = heapUsed(agent);
    Process gc =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(agent.pid()),
                "GC.run")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    boolean gcDone = gc.waitFor(60, TimeUnit.SECONDS) && gc.exitValue() == 0;
    TimeUnit.SECONDS.sleep(1);
    Optional<Double> heapAfterGc = gcDone ? heapUsed(agent) : Optional.empty();
    long rssAfterGcKib = procStatus(agent.pid(), "VmRSS");
    double rssMib = rssKib / 1024.0;
    row(
        "Agent RSS after the run (`/proc/<pid>/status` VmRSS, before any forced GC) / peak (VmHWM)",
        String.format(Locale.ROOT, "%.0f MiB / %.0f MiB", rssMib, hwmKib / 1024.0),
        "≤ 384 MiB",
        rssMib <= RSS_TARGET_MIB ? "PASS" : "MISS");
    row(
        "Agent heap used (actuator `jvm.memory.used`, area heap): before / after `jcmd GC.run`;"
            + " RSS after that GC",
        String.format(
            Locale.ROOT,
            "%s / %s; %.0f MiB",
            heapBeforeGc.map(DetectionBenchmark::mib).orElse("n/a"),
            heapAfterGc.map(DetectionBenchmark::mib).orElse("n/a (jcmd failed)"),
            rssAfterGcKib / 1024.0),
        "—",
        "—");
  }

  private static Optional<Double> heapUsed(AgentProcess agent) {
    return agent
        .get("/actuator/metrics/jvm.memory.used?tag=area:heap")
        .map(m -> m.path("measurements").path(0).path("value").asDouble());
  }

  private static String mib(double bytes) {
    return String.format(Locale.ROOT, "%.0f MiB", bytes / (1024 * 1024));
  }

  private static long procStatus(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException(field + " not in /proc/" + pid + "/status");
  }

  // ---- 5

  private void kubectl(Path kubeconfig, Path work, BenchFixtures fixtures) throws Exception {
    Optional<Path> kubectl = findKubectl();
    String label =
        "`kubectl get ns,sa,cm,secrets -A -l stagingcanary.io/sentinel=true -o json` ×2 + `diff`";
    if (kubectl.isEmpty()) {
      row(label, "skipped: no kubectl (KUBECTL, PATH or the control-plane cache)", "—", "—");
      return;
    }
    Path first = work.resolve("before.json");
    Path second = work.resolve("after.json");
    double a = runTimed(kubectlCommand(kubectl.get(), kubeconfig, work), first);
    double b = runTimed(kubectlCommand(kubectl.get(), kubeconfig, work), second);
    double d = runTimed(List.of("diff", first.toString(), second.toString()), null);
    int items = JSON.readTree(first.toFile()).path("items").size();
    row(
        label,
        String.format(
            Locale.ROOT,
            "%.1f s total (%.1f s + %.1f s + diff %.2f s; %,d objects, %.1f MiB of JSON each)",
            (a + b + d) / 1000,
            a / 1000,
            b / 1000,
            d / 1000,
            items,
            Files.size(first) / (1024.0 * 1024)),
        "—",
        "comparison");
    notes.add(
        "kubectl: "
            + versionOf(kubectl.get())
            + "; a diff of two listings tells that something changed between them, not what an"
            + " owner lost, and its latency is the polling interval.");
    if (items != fixtures.total()) {
      notes.add("kubectl listed " + items + " objects, expected " + fixtures.total() + ".");
    }
  }

  private static List<String> kubectlCommand(Path kubectl, Path kubeconfig, Path work) {
    return List.of(
        kubectl.toString(),
        "--kubeconfig",
        kubeconfig.toString(),
        "--cache-dir",
        work.resolve("kube-cache").toString(),
        "get",
        "namespaces,serviceaccounts,configmaps,secrets",
        "-A",
        "-l",
        "stagingcanary.io/sentinel=true",
        "-o",
        "json");
  }

  private double runTimed(List<String> command, Path stdout) throws Exception {
    checkDeadline();
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.redirectOutput(
        stdout == null
            ? ProcessBuilder.Redirect.DISCARD
            : ProcessBuilder.Redirect.to(stdout.toFile()));
    long started = System.nanoTime();
    Process process = builder.start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException(command.get(0) + " did not finish within 5 minutes");
    }
    double millis = (System.nanoTime() - started) / 1e6;
    if (stdout != null && process.exitValue() != 0) {
      throw new IllegalStateException(command + " exited with " + process.exitValue());
    }
    return millis;
  }

  private static String versionOf(Path kubectl) {
    try {
      Process process =
          new ProcessBuilder(kubectl.toString(), "version", "--client", "-o", "json")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String out = new String(process.getInputStream().readAllBytes());
      process.waitFor(30, TimeUnit.SECONDS);
      return "client " + JSON.readTree(out).path("clientVersion").path("gitVersion").asText("?");
    } catch (IOException | InterruptedException e) {
      return "version unknown";
    }
  }

  private static Optional<Path> findKubectl() {
    List<Path> candidates = new ArrayList<>();
    String explicit = System.getenv("KUBECTL");
    if (explicit != null && !explicit.isBlank()) {
      candidates.add(Path.of(explicit));
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir, "kubectl"));
      }
    }
    String cache = System.getenv("STAGING_CANARY_CACHE");
    Path root =
        cache != null && !cache.isBlank()
            ? Path.of(cache)
            : Path.of(System.getProperty("user.home"), ".cache", "staging-canary");
    Path controlPlane = root.resolve("control-plane");
    if (Files.isDirectory(controlPlane)) {
      try (Stream<Path> versions = Files.list(controlPlane)) {
        versions.sorted().forEach(v -> candidates.add(v.resolve("bin").resolve("kubectl")));
      } catch (IOException e) {
        // No cache: PATH only.
      }
    }
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  // ---- output

  private String render(BenchFixtures fixtures) {
    StringBuilder out = new StringBuilder();
    out.append("Run ")
        .append(
            DateTimeFormatter.ISO_LOCAL_DATE_TIME
                .withZone(ZoneOffset.UTC)
                .format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
        .append(" UTC on ")
        .append(machine())
        .append(".\n\n");
    out.append(
        String.format(
            "N = %,d sentinels (%d tenants: a Namespace each, then ConfigMaps 60%%, Secrets 30%%,"
                + " ServiceAccounts 10%%), %d deletions, `canary.incidents.group-window=0s`,"
                + " `canary.reseed.mode=%s`, agent JVM options: %s. %s\n\n",
            fixtures.total(),
            fixtures.tenants(),
            Math.min(deletions, fixtures.configMaps().size()),
            reseed,
            agentJvmArgs.isEmpty()
                ? "none (JVM defaults)"
                : "`" + String.join(" ", agentJvmArgs) + "`",
            externalSandbox
                ? "The sandbox API server runs in the benchmark's JVM and the agent in its own JVM"
                    + " (default profile, `KUBECONFIG` pointing at the sandbox), so the agent's"
                    + " memory is the agent's alone."
                : "The agent runs on the `sandbox` profile: the sandbox API server and all its"
                    + " objects live in the agent's JVM and count in its memory."));
    out.append("| Measurement | Result | Target | Verdict |\n|---|---|---|---|\n");
    for (String[] row : rows) {
      out.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    if (!notes.isEmpty()) {
      out.append('\n');
      notes.forEach(n -> out.append("- ").append(n).append('\n'));
    }
    return out.toString();
  }

  private static String machine() {
    String memory = "?";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
          memory = String.format(Locale.ROOT, "%.1f GiB", kib / (1024.0 * 1024));
        }
      }
    } catch (IOException e) {
      // Not Linux: leave it unknown.
    }
    return String.format(
        "%d cores, %s RAM, %s %s, Java %s (%s)",
        Runtime.getRuntime().availableProcessors(),
        memory,
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"));
  }

  private void row(String measurement, String result, String target, String verdict) {
    rows.add(new String[] {measurement, result, target, verdict});
    say("%s: %s [%s]", measurement, result, verdict);
  }

  private static String latencies(List<Double> millis) {
    if (millis.isEmpty()) {
      return "n/a";
    }
    return String.format(
        Locale.ROOT,
        "%.1f / %.1f / %.1f / %.1f ms",
        percentile(millis, 50),
        percentile(millis, 95),
        percentile(millis, 99),
        Collections.max(millis));
  }

  /** Nearest-rank percentile. */
  static double percentile(List<Double> values, double p) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Comparator.naturalOrder());
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  private static double durationMillis(JsonNode node) {
    if (node.isNumber()) {
      return node.asDouble() * 1000;
    }
    return Duration.parse(node.asText()).toNanos() / 1e6;
  }

  private static long micros(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1000;
  }

  private static double secondsBetween(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }

  private static KubernetesClient client(String url) {
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(url)
            .withNamespace("default")
            .withRequestRetryBackoffLimit(0)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private void checkAlive(AgentProcess agent) throws IOException {
    checkDeadline();
    if (!agent.isAlive()) {
      throw new IllegalStateException("the agent exited:\n" + agent.logTail(40));
    }
  }

  private void checkDeadline() {
    if (Instant.now().isAfter(deadline)) {
      throw new IllegalStateException("benchmark timeout " + timeout + " reached");
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void say(String format, Object... args) {
    System.out.printf(
        "[bench %s] %s%n",
        DateTimeFormatter.ISO_LOCAL_TIME
            .withZone(ZoneOffset.UTC)
            .format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)),
        String.format(Locale.ROOT, format, args));
  }
}
