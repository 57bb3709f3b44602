package io.stagingcanary.bench;

import static io.stagingcanary.bench.Stats.latencies;
import static io.stagingcanary.bench.Stats.max;
import static io.stagingcanary.bench.Stats.millisBetween;
import static io.stagingcanary.bench.Stats.percentile;
import static io.stagingcanary.bench.Stats.secondsBetween;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.bench.BenchFixtures.Target;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The workload on one target at one size: seed, verify, delete one by one (incident and webhook
 * page timed), gated no-op runs, memory, kubectl, then a restart with a group window and a burst of
 * deletions. Fills a {@link TargetResult}.
 */
final class Workload {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SEEDED =
      Pattern.compile("Seeding (seed-\\S+) on cluster \\S+ finished in (\\d+) ms: (.*)");
  private static final Duration POLL = Duration.ofMillis(20);
  private static final Duration PER_DELETION = Duration.ofSeconds(15);
  private static final Duration ALERT_WAIT = Duration.ofSeconds(15);
  private static final int BURST_THREADS = 32;
  private static final String SENTINEL_LABEL = "stagingcanary.io/sentinel";

  private final BenchSettings settings;
  private final BenchTarget target;
  private final int sentinels;
  private final Instant deadline;
  private final TargetResult result;

  Workload(BenchSettings settings, BenchTarget target, int sentinels, Instant deadline) {
    this.settings = settings;
    this.target = target;
    this.sentinels = sentinels;
    this.deadline = deadline;
    this.result = TargetResult.measured(target.name());
  }

  TargetResult run() throws Exception {
    Path work = Files.createTempDirectory("canary-bench-" + target.name() + "-");
    Path fixturesRoot = work.resolve("fixtures");
    BenchFixtures fixtures = BenchFixtures.write(fixturesRoot, sentinels, settings.tenants());
    result.put("sentinels", fixtures.total());
    say("%s: starting the cluster", target.name());
    try (BenchTarget.Cluster cluster = target.start(work);
        WebhookReceiver webhook = WebhookReceiver.start();
        KubernetesClient client = cluster.newClient()) {
      result.describe(describe(cluster, fixtures));
      int httpPort = freePort();
      List<String> agentArgs = agentArgs(webhook, Duration.ZERO);
      say(
          "%s: %,d sentinels in %d tenants; starting the agent (HTTP %d, JVM options %s)",
          target.name(), fixtures.total(), fixtures.tenants(), httpPort, settings.agentJvmArgs());
      Instant launched = Instant.now();
      AgentProcess agent =
          AgentProcess.start(
              settings.jar(),
              settings.agentJvmArgs(),
              settings.agentEnv(),
              work,
              fixturesRoot,
              httpPort,
              cluster.kubeconfig(),
              agentArgs,
              "agent.log");
      try {
        seed(agent, fixtures, launched);
        verify(agent, fixtures);
        overview(agent, fixtures);
        deletions(agent, client, webhook, fixtures);
        gate(agent);
        checkPagination(client, fixtures);
        memory(agent);
        kubectl(cluster.kubeconfig(), work, fixtures);
      } catch (Exception e) {
        System.err.println("--- agent log tail ---\n" + agent.logTail(40));
        throw e;
      } finally {
        agent.close();
      }
      if (settings.burst() > 0) {
        AgentProcess second =
            AgentProcess.start(
                settings.jar(),
                settings.agentJvmArgs(),
                settings.agentEnv(),
                work,
                fixturesRoot,
                httpPort,
                cluster.kubeconfig(),
                agentArgs(webhook, settings.burstGroupWindow()),
                "agent-burst.log");
        try {
          awaitHealthy(second, fixtures.total());
          try (KubernetesClient burstClient = cluster.newClient(BURST_THREADS)) {
            burst(second, burstClient, webhook, fixtures);
          }
        } catch (Exception e) {
          System.err.println("--- agent log tail ---\n" + second.logTail(40));
          throw e;
        } finally {
          second.close();
        }
      }
    } finally {
      if (settings.keep()) {
        say("Kept the work directory %s", work);
      } else {
        DetectionBenchmark.deleteTree(work);
      }
    }
    return result;
  }

  private List<String> agentArgs(WebhookReceiver webhook, Duration groupWindow) {
    List<String> args = new ArrayList<>();
    args.add("--canary.incidents.group-window=" + groupWindow.toMillis() + "ms");
    args.add("--canary.reseed.mode=" + settings.reseed());
    args.add("--canary.alerts.webhooks[0].name=bench");
    args.add("--canary.alerts.webhooks[0].url=" + webhook.url());
    args.addAll(settings.agentArgs());
    return args;
  }

  private String describe(BenchTarget.Cluster cluster, BenchFixtures fixtures) {
    return String.format(
            Locale.ROOT,
            "%s. N = %,d sentinels (%d tenants: a Namespace each, then ConfigMaps 60%%, Secrets 30%%,"
                + " ServiceAccounts 10%%), %d single deletions with `canary.incidents.group-window=0s`,"
                + " `canary.reseed.mode=%s`, the generic webhook channel pointed at a WireMock"
                + " receiver, agent JVM options `%s` (%s)%s.",
            cluster.describe(),
            fixtures.total(),
            fixtures.tenants(),
            Math.min(settings.deletions(), fixtures.configMaps().size()),
            settings.reseed(),
            String.join(" ", settings.agentJvmArgs()),
            settings.agentJvmArgsSource(),
            settings.agentEnv().isEmpty()
                ? ""
                : ", agent environment `"
                    + settings.agentEnv().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .sorted()
                        .collect(java.util.stream.Collectors.joining(" "))
                    + "`")
        + (settings.agentArgs().isEmpty()
            ? ""
            : " Further agent arguments: `" + String.join(" ", settings.agentArgs()) + "`.");
  }

  // ---- seeding

  private void seed(AgentProcess agent, BenchFixtures fixtures, Instant launched) throws Exception {
    Matcher seeded = awaitLog(agent, SEEDED);
    Instant seededSeen = Instant.now();
    long seedMillis = Long.parseLong(seeded.group(2));
    awaitHealthy(agent, fixtures.total());
    Instant ready = Instant.now();
    result.put("seed_s", seedMillis / 1000.0);
    result.row(
        String.format("Seed %,d sentinels (agent's seeding pass, from its log)", fixtures.total()),
        String.format(Locale.ROOT, "%.1f s — %s", seedMillis / 1000.0, seeded.group(3)),
        "—",
        "—");
    result.row(
        "Agent JVM launch → seeded → all sentinels verified and HEALTHY (wall)",
        String.format(
            Locale.ROOT,
            "%.1f s → %.1f s",
            secondsBetween(launched, seededSeen),
            secondsBetween(launched, ready)),
        "—",
        "—");
  }

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
    say("%s: agent is HEALTHY with %d sentinels present (%s)", target.name(), expected, last);
  }

  // ---- full verification

  private void verify(AgentProcess agent, BenchFixtures fixtures) throws Exception {
    List<Double> took = new ArrayList<>();
    List<Double> wall = new ArrayList<>();
    List<Integer> requests = new ArrayList<>();
    for (int i = 0; i < settings.verifications(); i++) {
      checkDeadline();
      long started = System.nanoTime();
      JsonNode verification = agent.post("/api/v1/verifications");
      wall.add((System.nanoTime() - started) / 1e6);
      took.add(durationMillis(verification.path("took")));
      requests.add(verification.path("requests").asInt());
      say(
          "%s: verification %d took %.0f ms, %d requests, by state %s",
          target.name(), i + 1, took.get(i), requests.get(i), verification.path("byState"));
    }
    int pages = fixtures.pagesAt(500);
    double median = percentile(took, 50);
    double maximum = max(took);
    int maxRequests = requests.isEmpty() ? 0 : Collections.max(requests);
    result.put("verification_median_ms", median);
    result.put("verification_max_ms", maximum);
    result.put("verification_requests", maxRequests);
    result.row(
        String.format(
            "Full verification, `POST /api/v1/verifications` ×%d (every call, the first included):"
                + " median / max",
            took.size()),
        String.format(
            Locale.ROOT,
            "%.0f / %.0f ms (agent's `took`; client wall median %.0f ms)",
            median,
            maximum,
            percentile(wall, 50)),
        "≤ 2 s",
        maximum <= ResultsWriter.TARGETS.get("verification_max_ms") ? "PASS" : "MISS");
    result.row(
        "Full verification API requests (page size 500, 4 kinds)",
        maxRequests + " (kinds × pages at 500 per page = " + pages + ")",
        "≤ " + pages,
        maxRequests <= pages ? "PASS" : "MISS");
  }

  // ---- the on-call overview page

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
      if (cards != fixtures.tenants()) {
        throw new IllegalStateException(
            "GET / shows " + cards + " tenants, not " + fixtures.tenants());
      }
      bytes = page.body().length();
      if (i >= warmUp) {
        wall.add(millis);
      }
    }
    double p99 = percentile(wall, 99);
    result.put("overview_p99_ms", p99);
    say(
        "%s: overview median %.1f ms, p99 %.1f ms, %d bytes",
        target.name(), percentile(wall, 50), p99, bytes);
    result.row(
        String.format(
            "Overview page `GET /` ×%d after %d warm-up (%,d tenants, counts per tenant): median /"
                + " p99 / max",
            timed, warmUp, fixtures.tenants()),
        String.format(
            Locale.ROOT,
            "%.1f / %.1f / %.1f ms (%,d bytes of HTML)",
            percentile(wall, 50),
            p99,
            max(wall),
            bytes),
        "< 300 ms",
        p99 < 300 ? "PASS" : "MISS");
  }

  // ---- single deletions: incident and page

  private void deletions(
      AgentProcess agent, KubernetesClient client, WebhookReceiver webhook, BenchFixtures fixtures)
      throws Exception {
    List<Target> targets = new ArrayList<>(fixtures.configMaps());
    Collections.shuffle(targets, new Random(42));
    int count = Math.min(settings.deletions(), targets.size());
    List<Double> opened = new ArrayList<>();
    List<Double> sealed = new ArrayList<>();
    List<Double> paged = new ArrayList<>();
    List<Double> deleteCall = new ArrayList<>();
    Map<Instant, Double> pagedAt = new TreeMap<>();
    int timedOut = 0;
    int unpaged = 0;
    warmUp(client);
    for (int i = 0; i < count; i++) {
      checkDeadline();
      Target victim = targets.get(i);
      Instant before = Instant.now();
      var deleted =
          client.configMaps().inNamespace(victim.namespace()).withName(victim.name()).delete();
      Instant returned = Instant.now();
      if (deleted.isEmpty()) {
        throw new IllegalStateException("delete of " + victim + " deleted nothing");
      }
      deleteCall.add(millisBetween(before, returned));
      Optional<JsonNode> incident = awaitIncident(agent, victim, before);
      if (incident.isEmpty()) {
        timedOut++;
        say(
            "%s: deletion %d: no incident for %s within %s",
            target.name(), i + 1, victim, PER_DELETION);
        continue;
      }
      JsonNode inc = incident.get();
      String id = inc.path("id").asText();
      opened.add(millisBetween(before, Instant.parse(inc.path("openedAt").asText())));
      if (inc.hasNonNull("sealedAt")) {
        sealed.add(millisBetween(before, Instant.parse(inc.path("sealedAt").asText())));
      }
      Optional<Instant> firing = webhook.awaitFiring(id, ALERT_WAIT);
      if (firing.isPresent()) {
        paged.add(millisBetween(before, firing.get()));
        pagedAt.put(before, millisBetween(before, firing.get()));
      } else {
        unpaged++;
        say(
            "%s: deletion %d: incident %s not paged within %s",
            target.name(), i + 1, id, ALERT_WAIT);
      }
      if ("after-incident".equals(settings.reseed())) {
        awaitResolved(agent, id);
      }
      if ((i + 1) % 20 == 0) {
        say(
            "%s: deletions %d/%d, detection p50 so far %.1f ms, max %.1f ms",
            target.name(), i + 1, count, percentile(opened, 50), max(opened));
      }
    }
    double p99 = percentile(opened, 99);
    double alertP99 = percentile(paged, 99);
    result.put("detection_p50_ms", percentile(opened, 50));
    result.put("detection_p99_ms", timedOut == 0 ? p99 : Double.NaN);
    result.put("alert_p99_ms", unpaged == 0 && timedOut == 0 ? alertP99 : Double.NaN);
    double detectionTarget = ResultsWriter.TARGETS.get("detection_p99_ms");
    double alertTarget = ResultsWriter.TARGETS.get("alert_p99_ms");
    result.row(
        String.format(
            "Delete → incident **opened** (`openedAt`), p50 / p95 / p99 / max, %d single ConfigMap"
                + " deletions, group window 0s",
            count),
        latencies(opened) + (timedOut > 0 ? " — " + timedOut + " without incident" : ""),
        "p99 ≤ 250 ms",
        timedOut == 0 && p99 <= detectionTarget ? "PASS" : "MISS");
    result.row(
        "Delete → incident **sealed** (`sealedAt`, stored and published), p50 / p95 / p99 / max",
        latencies(sealed),
        "—",
        "—");
    result.row(
        "Delete → webhook receiver got the **firing** message, p50 / p95 / p99 / max",
        latencies(paged) + (unpaged > 0 ? " — " + unpaged + " not paged within 15 s" : ""),
        "p99 ≤ 500 ms",
        unpaged == 0 && timedOut == 0 && alertP99 <= alertTarget ? "PASS" : "MISS");
    if (!pagedAt.isEmpty()) {
      result.note(
          "Slowest pages (deletion sent at, UTC → ms to the page): "
              + pagedAt.entrySet().stream()
                  .sorted(Map.Entry.<Instant, Double>comparingByValue().reversed())
                  .limit(5)
                  .map(
                      e ->
                          String.format(
                              Locale.ROOT, "%s → %.0f ms", e.getKey().toString(), e.getValue()))
                  .collect(Collectors.joining(", "))
              + ".");
    }
    result.row(
        "DELETE call itself (client send → response), p50 / p99",
        String.format(
            Locale.ROOT, "%.1f / %.1f ms", percentile(deleteCall, 50), percentile(deleteCall, 99)),
        "—",
        "—");
  }

  /**
   * Warms the deleting client up (connection, serializers, the DELETE path) on an unlabelled
   * ConfigMap the agent does not watch, so that the client's own cold start is not counted.
   */
  private static void warmUp(KubernetesClient client) {
    for (int i = 0; i < 3; i++) {
      client
          .configMaps()
          .inNamespace("default")
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("bench-warm-up")
                  .withNamespace("default")
                  .endMetadata()
                  .build())
          .create();
      client.configMaps().inNamespace("default").withName("bench-warm-up").delete();
      await(
          () -> client.configMaps().inNamespace("default").withName("bench-warm-up").get() == null);
    }
  }

  private static void await(java.util.function.BooleanSupplier condition) {
    Instant until = Instant.now().plusSeconds(30);
    while (!condition.getAsBoolean() && Instant.now().isBefore(until)) {
      try {
        TimeUnit.MILLISECONDS.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private Optional<JsonNode> awaitIncident(AgentProcess agent, Target victim, Instant notBefore)
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
            if (victim.kind().equals(key.path("kind").asText())
                && victim.namespace().equals(key.path("namespace").asText())
                && victim.name().equals(key.path("name").asText())
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
    say(
        "%s: incident %s not resolved (re-seeded) within %s",
        target.name(), incidentId, PER_DELETION);
  }

  // ---- gated no-op runs

  private void gate(AgentProcess agent) throws Exception {
    List<Double> overhead = new ArrayList<>();
    List<String> verdicts = new ArrayList<>();
    List<Double> totals = new ArrayList<>();
    for (int i = 0; i < settings.gateRuns(); i++) {
      checkDeadline();
      awaitHealthy(agent, (int) result.get("sentinels"));
      long started = System.nanoTime();
      HttpResponse<String> begun =
          agent.postJson("/api/v1/runs", "{\"tool\":\"bench-noop\",\"version\":\"1.0." + i + "\"}");
      if (begun.statusCode() != 201) {
        result.note("Gated no-op run " + (i + 1) + ": begin answered " + begun.statusCode());
        continue;
      }
      String id = JSON.readTree(begun.body()).path("id").asText();
      HttpResponse<String> completed =
          agent.postJson("/api/v1/runs/" + id + "/complete", "{\"exitCode\":0,\"settle\":\"1s\"}");
      double total = (System.nanoTime() - started) / 1e6;
      if (completed.statusCode() != 200) {
        result.note("Gated no-op run " + (i + 1) + ": complete answered " + completed.statusCode());
        continue;
      }
      JsonNode run = JSON.readTree(completed.body());
      double settled = Double.parseDouble(run.path("settle").path("waitedSeconds").asText("0"));
      verdicts.add(run.path("verdict").asText());
      totals.add(total);
      overhead.add(total - settled * 1000);
      say(
          "%s: gated no-op run %d: %s, total %.0f ms, settle %.3f s",
          target.name(), i + 1, run.path("verdict").asText(), total, settled);
    }
    double median = percentile(overhead, 50);
    result.put("gate_overhead_ms", median);
    result.row(
        String.format(
            "Gated no-op run through the runs API (begin → complete with `settle: 1s`) ×%d:"
                + " overhead = total − settle waited, median / max",
            settings.gateRuns()),
        overhead.isEmpty()
            ? "n/a"
            : String.format(
                Locale.ROOT,
                "%.0f / %.0f ms (totals %s ms; verdicts %s)",
                median,
                max(overhead),
                totals.stream().map(t -> String.format(Locale.ROOT, "%.0f", t)).toList(),
                verdicts),
        "≤ 300 ms",
        !overhead.isEmpty()
                && median <= ResultsWriter.TARGETS.get("gate_overhead_ms")
                && verdicts.stream().allMatch("PASS"::equals)
            ? "PASS"
            : "MISS");
  }

  /** Whether the server honours {@code limit}: it decides how many pages a LIST can take. */
  private void checkPagination(KubernetesClient client, BenchFixtures fixtures) {
    if (fixtures.configMaps().size() <= 500) {
      return;
    }
    int returned =
        client
            .configMaps()
            .inAnyNamespace()
            .withLabel("stagingcanary.io/sentinel", "true")
            .list(new ListOptionsBuilder().withLimit(500L).build())
            .getItems()
            .size();
    result.note(
        returned > 500
            ? "This server ignores `limit`: a LIST with limit=500 returned "
                + returned
                + " ConfigMaps in one page, so every kind is one request here."
            : "The server honoured `limit=500` (returned " + returned + " ConfigMaps).");
  }

  // ---- memory

  private void memory(AgentProcess agent) throws Exception {
    long rssKib = procStatus(agent.pid(), "VmRSS");
    long hwmKib = procStatus(agent.pid(), "VmHWM");
    Optional<Double> heapBeforeGc = heapUsed(agent);
    Path profile =
        settings
            .markdown()
            .toAbsolutePath()
            .resolveSibling("bench-memory-" + target.name() + "-" + sentinels + ".txt");
    MemoryProfile.write(agent.pid(), profile);
    result.note(
        "Memory profile at that point (smaps by mapping, native memory, class histogram): `"
            + profile.getFileName()
            + "` beside this file.");
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
    result.put("rss_mib", Math.round(rssMib));
    result.row(
        "Agent RSS after the workload (`/proc/<pid>/status` VmRSS, before any forced GC) / peak"
            + " (VmHWM)",
        String.format(Locale.ROOT, "%.0f MiB / %.0f MiB", rssMib, hwmKib / 1024.0),
        "≤ 384 MiB",
        rssMib <= ResultsWriter.TARGETS.get("rss_mib") ? "PASS" : "MISS");
    result.row(
        "Agent heap used (actuator `jvm.memory.used`, area heap): before / after `jcmd GC.run`;"
            + " RSS after that GC",
        String.format(
            Locale.ROOT,
            "%s / %s; %.0f MiB",
            heapBeforeGc.map(Workload::mib).orElse("n/a"),
            heapAfterGc.map(Workload::mib).orElse("n/a (jcmd failed)"),
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

  // ---- the obvious alternative

  private void kubectl(Path kubeconfig, Path work, BenchFixtures fixtures) throws Exception {
    checkDeadline();
    String label =
        "`kubectl get ns,sa,cm,secrets -A -l stagingcanary.io/sentinel=true -o json` ×2 + `diff`";
    Optional<Kubectl.Timing> timing = Kubectl.timeGetAndDiff(kubeconfig, work);
    if (timing.isEmpty()) {
      result.row(label, "skipped: no kubectl (KUBECTL, PATH or the control-plane cache)", "—", "—");
      return;
    }
    Kubectl.Timing t = timing.get();
    result.put("kubectl_get_diff_s", t.totalSeconds());
    result.row(
        label,
        String.format(
            Locale.ROOT,
            "%.1f s total (%.1f s + %.1f s + diff %.2f s; %,d objects, %.1f MiB of JSON each)",
            t.totalSeconds(),
            t.firstMillis() / 1000,
            t.secondMillis() / 1000,
            t.diffMillis() / 1000,
            t.items(),
            t.bytes() / (1024.0 * 1024)),
        "—",
        "comparison");
    result.note(
        "kubectl: "
            + t.version()
            + "; a diff of two listings tells that something changed between them, not what an"
            + " owner lost, and its latency is the polling interval.");
    if (t.items() != fixtures.total()) {
      result.note("kubectl listed " + t.items() + " objects, expected " + fixtures.total() + ".");
    }
  }

  // ---- burst

  private void burst(
      AgentProcess agent, KubernetesClient client, WebhookReceiver webhook, BenchFixtures fixtures)
      throws Exception {
    // Whole tenants, in order, until the burst size is reached: one DELETE of the collection
    // (label selector) per namespace and kind, all at once, so that the burst is as short as the
    // API server allows; what a collection delete left behind is deleted one by one.
    Map<String, List<Target>> byNamespace = new LinkedHashMap<>();
    for (Target t : fixtures.deletable()) {
      byNamespace.computeIfAbsent(t.namespace(), n -> new ArrayList<>()).add(t);
    }
    List<Target> victims = new ArrayList<>();
    List<String> namespaces = new ArrayList<>();
    for (Map.Entry<String, List<Target>> entry : byNamespace.entrySet()) {
      if (victims.size() >= settings.burst()) {
        break;
      }
      namespaces.add(entry.getKey());
      victims.addAll(entry.getValue());
    }
    Duration window = settings.burstGroupWindow();
    Set<String> before = incidentIds(agent);
    ExecutorService pool = Executors.newFixedThreadPool(BURST_THREADS);
    Instant started = Instant.now();
    List<Future<?>> sent = new ArrayList<>();
    try {
      for (String ns : namespaces) {
        sent.add(
            pool.submit(
                () ->
                    client
                        .configMaps()
                        .inNamespace(ns)
                        .withLabel(SENTINEL_LABEL, "true")
                        .delete()));
        sent.add(
            pool.submit(
                () -> client.secrets().inNamespace(ns).withLabel(SENTINEL_LABEL, "true").delete()));
      }
      for (Future<?> future : sent) {
        future.get(2, TimeUnit.MINUTES);
      }
      sent.clear();
      int leftOver = 0;
      for (String ns : namespaces) {
        for (var cm :
            client
                .configMaps()
                .inNamespace(ns)
                .withLabel(SENTINEL_LABEL, "true")
                .list()
                .getItems()) {
          leftOver++;
          sent.add(
              pool.submit(
                  () -> delete(client, new Target("ConfigMap", ns, cm.getMetadata().getName()))));
        }
        for (var secret :
            client.secrets().inNamespace(ns).withLabel(SENTINEL_LABEL, "true").list().getItems()) {
          leftOver++;
          sent.add(
              pool.submit(
                  () -> delete(client, new Target("Secret", ns, secret.getMetadata().getName()))));
        }
      }
      for (Future<?> future : sent) {
        future.get(2, TimeUnit.MINUTES);
      }
      if (leftOver > 0) {
        result.note(
            "The collection deletes left " + leftOver + " objects; they were deleted one by one.");
      }
    } finally {
      pool.shutdownNow();
    }
    Instant lastReturned = Instant.now();
    double spreadMs = millisBetween(started, lastReturned);
    say(
        "%s: burst of %d deletions sent in %.0f ms; waiting for the incident",
        target.name(), victims.size(), spreadMs);
    Instant until = Instant.now().plus(window).plusSeconds(60);
    List<JsonNode> incidents = List.of();
    int covered = 0;
    while (Instant.now().isBefore(until)) {
      checkDeadline();
      incidents = newIncidents(agent, before);
      covered = 0;
      boolean allSealed = !incidents.isEmpty();
      for (JsonNode incident : incidents) {
        covered += incident.path("items").size();
        allSealed &= incident.hasNonNull("sealedAt");
      }
      if (allSealed && covered >= victims.size()) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    double bound = window.toMillis() + 2000;
    double sealedMs = Double.NaN;
    double pagedMs = Double.NaN;
    for (JsonNode incident : incidents) {
      if (incident.hasNonNull("sealedAt")) {
        sealedMs =
            maxOf(
                sealedMs,
                millisBetween(started, Instant.parse(incident.path("sealedAt").asText())));
      }
      Optional<Instant> firing =
          webhook.awaitFiring(incident.path("id").asText(), Duration.ofSeconds(30));
      pagedMs =
          firing.isEmpty()
              ? Double.POSITIVE_INFINITY
              : maxOf(pagedMs, millisBetween(started, firing.get()));
    }
    if (Double.isInfinite(pagedMs)) {
      pagedMs = Double.NaN;
    }
    result.put("burst_deletions", victims.size());
    result.put("burst_send_ms", spreadMs);
    result.put("burst_incidents", incidents.size());
    result.put("burst_sealed_ms", sealedMs);
    result.put("burst_paged_ms", pagedMs);
    boolean pass =
        incidents.size() == 1
            && covered >= victims.size()
            && !Double.isNaN(pagedMs)
            && pagedMs <= bound;
    result.row(
        String.format(
            Locale.ROOT,
            "Burst: %,d ConfigMaps and Secrets of %d tenants deleted by collection (one DELETE per"
                + " namespace and kind, all at once; done in %.0f ms), agent restarted with"
                + " `group-window=%ds` → incidents, first DELETE → last sealed / webhook paged",
            victims.size(),
            namespaces.size(),
            spreadMs,
            window.toSeconds()),
        String.format(
            Locale.ROOT,
            "%d incident(s) with %,d items; sealed %s, paged %s",
            incidents.size(),
            covered,
            Double.isNaN(sealedMs) ? "n/a" : String.format(Locale.ROOT, "%.0f ms", sealedMs),
            Double.isNaN(pagedMs)
                ? "not within 30 s"
                : String.format(Locale.ROOT, "%.0f ms", pagedMs)),
        String.format(Locale.ROOT, "one incident, paged ≤ %.0f ms (window + 2 s)", bound),
        pass ? "PASS" : "MISS");
    if (spreadMs > 1000) {
      result.note(
          String.format(
              Locale.ROOT,
              "The burst took %.0f ms to send, not under a second: this client and API server"
                  + " could not go faster on this machine.",
              spreadMs));
    }
  }

  private static double maxOf(double current, double value) {
    return Double.isNaN(current) ? value : Math.max(current, value);
  }

  private static void delete(KubernetesClient client, Target victim) {
    switch (victim.kind()) {
      case "ConfigMap" ->
          client.configMaps().inNamespace(victim.namespace()).withName(victim.name()).delete();
      case "Secret" ->
          client.secrets().inNamespace(victim.namespace()).withName(victim.name()).delete();
      default -> throw new IllegalArgumentException("cannot delete " + victim);
    }
  }

  private Set<String> incidentIds(AgentProcess agent) {
    Set<String> ids = new HashSet<>();
    agent
        .get("/api/v1/incidents?limit=1000")
        .ifPresent(list -> list.forEach(i -> ids.add(i.path("id").asText())));
    return ids;
  }

  private List<JsonNode> newIncidents(AgentProcess agent, Set<String> before) {
    List<JsonNode> fresh = new ArrayList<>();
    agent
        .get("/api/v1/incidents?limit=50")
        .ifPresent(
            list ->
                list.forEach(
                    i -> {
                      if (!before.contains(i.path("id").asText())) {
                        fresh.add(i);
                      }
                    }));
    return fresh;
  }

  // ---- helpers

  private static double durationMillis(JsonNode node) {
    if (node.isNumber()) {
      return node.asDouble() * 1000;
    }
    return Duration.parse(node.asText()).toNanos() / 1e6;
  }

  private void checkAlive(AgentProcess agent) throws IOException {
    checkDeadline();
    if (!agent.isAlive()) {
      throw new IllegalStateException("the agent exited:\n" + agent.logTail(40));
    }
  }

  private void checkDeadline() {
    if (Instant.now().isAfter(deadline)) {
      throw new IllegalStateException("benchmark timeout " + settings.timeout() + " reached");
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void say(String format, Object... args) {
    DetectionBenchmark.say(format, args);
  }
}
