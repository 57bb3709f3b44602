package io.stagingcanary.controlplane;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Kubernetes control plane on loopback: etcd, kube-apiserver and kube-controller-manager,
 * started from the binaries built by {@code canary/src/test/control-plane/build.sh}.
 *
 * <p>One instance per test JVM ({@link #shared()}), stopped at JVM exit. Everything it writes
 * (certificates, kubeconfig, etcd data, pid files and the logs {@code etcd.log}, {@code
 * kube-apiserver.log}, {@code kube-controller-manager.log}) lives in {@code
 * canary/target/control-plane/}.
 */
public final class ControlPlane implements AutoCloseable {

  /** User of the static admin token; member of {@code system:masters}. */
  public static final String ADMIN_USER = "canary-admin";

  /**
   * Resource whose API-server watch cache is disabled, so that watches on it are served by etcd
   * directly and a watch from a compacted resourceVersion really gets 410 Gone from etcd (with the
   * cache, recent history is served from memory regardless of etcd compaction).
   */
  public static final String UNCACHED_RESOURCE = "podtemplates";

  static final List<String> CONTROLLERS =
      List.of(
          "namespace-controller",
          "garbage-collector-controller",
          "serviceaccount-controller",
          "serviceaccount-token-controller",
          "deployment-controller",
          // PVCs get the kubernetes.io/pvc-protection finalizer; this controller removes it.
          "persistentvolumeclaim-protection-controller",
          "root-ca-certificate-publisher-controller");

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);

  /**
   * kube-apiserver finishes its graceful termination within milliseconds but then often keeps the
   * process alive until open watch connections go away; after this it is killed.
   */
  private static final Duration API_SERVER_STOP_GRACE = Duration.ofSeconds(5);

  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);

  private static final String AUDIT_POLICY = "audit-policy.yaml";

  /** Requests of service accounts (an agent running as its deployed ServiceAccount) only. */
  private static final String AUDIT_POLICY_YAML =
      """
      apiVersion: audit.k8s.io/v1
      kind: Policy
      omitStages: [RequestReceived]
      rules:
        - level: Metadata
          userGroups: ["system:serviceaccounts"]
        - level: None
      """;

  private static ControlPlane shared;
  private static RuntimeException sharedFailure;

  private final ControlPlaneBinaries binaries;
  private final Path runDir;
  private final String adminToken;
  private final int etcdClientPort;
  private final int etcdPeerPort;
  private final int apiServerPort;
  private Pki pki;
  private Path kubeconfig;
  private ManagedProcess etcd;
  private ManagedProcess apiServer;
  private ManagedProcess controllerManager;
  private KubernetesClient client;
  private HttpClient httpClient;
  private boolean closed;

  private ControlPlane(ControlPlaneBinaries binaries, Path runDir) {
    this.binaries = binaries;
    this.runDir = runDir;
    byte[] token = new byte[24];
    new SecureRandom().nextBytes(token);
    this.adminToken = HexFormat.of().formatHex(token);
    this.etcdClientPort = freePort();
    this.etcdPeerPort = freePort();
    this.apiServerPort = freePort();
  }

  /**
   * The control plane shared by every test of this JVM, started on first use and stopped by a
   * shutdown hook. A failed start is remembered, so later test classes fail fast.
   */
  public static synchronized ControlPlane shared() {
    if (sharedFailure != null) {
      throw sharedFailure;
    }
    if (shared == null) {
      ControlPlaneBinaries binaries = ControlPlaneBinaries.locate();
      if (!binaries.missing().isEmpty()) {
        throw new IllegalStateException(binaries.missingMessage());
      }
      ControlPlane controlPlane = new ControlPlane(binaries, defaultRunDir());
      Runtime.getRuntime()
          .addShutdownHook(new Thread(controlPlane::close, "control-plane-shutdown"));
      try {
        controlPlane.start();
      } catch (RuntimeException e) {
        controlPlane.close();
        sharedFailure = e;
        throw e;
      }
      shared = controlPlane;
    }
    return shared;
  }

  static Path defaultRunDir() {
    return ControlPlaneBinaries.moduleDirectory().resolve("target").resolve("control-plane");
  }

  // ------------------------------------------------------------------------------ lifecycle

  private void start() {
    long started = System.nanoTime();
    try {
      Files.createDirectories(runDir);
      for (String name : List.of("kube-controller-manager", "kube-apiserver", "etcd")) {
        ManagedProcess.killLeftover(runDir.resolve(name + ".pid"), name);
      }
      deleteRecursively(runDir);
      Files.createDirectories(runDir);
      pki = Pki.generate(runDir.resolve("pki"));
      httpClient =
          HttpClient.newBuilder()
              .sslContext(pki.sslContext())
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      Path tokens = runDir.resolve("tokens.csv");
      Files.writeString(
          tokens, adminToken + "," + ADMIN_USER + ",canary-admin-uid,\"system:masters\"\n");
      kubeconfig = runDir.resolve("kubeconfig");
      Files.writeString(kubeconfig, kubeconfigYaml());
      Files.writeString(runDir.resolve(AUDIT_POLICY), AUDIT_POLICY_YAML);

      etcd = new ManagedProcess("etcd", etcdCommand(), log("etcd"), pid("etcd"));
      etcd.start();
      waitFor(
          etcd,
          "etcd health",
          () -> httpOk(URI.create(etcdUrl() + "/health"), false, "\"health\":\"true\""));

      apiServer =
          new ManagedProcess(
              "kube-apiserver",
              apiServerCommand(tokens),
              log("kube-apiserver"),
              pid("kube-apiserver"));
      startApiServer();

      controllerManager =
          new ManagedProcess(
              "kube-controller-manager",
              controllerManagerCommand(),
              log("kube-controller-manager"),
              pid("kube-controller-manager"));
      controllerManager.start();
      client = newClient();
      // The service account controller of kube-controller-manager creates it: proves KCM works.
      waitFor(
          controllerManager,
          "service account default/default",
          () -> client.serviceAccounts().inNamespace("default").withName("default").get() != null);
      System.err.printf(
          "[control-plane] kubernetes %s ready at %s in %.1f s (logs in %s)%n",
          binaries.kubernetesVersion(),
          apiServerUrl(),
          (System.nanoTime() - started) / 1e9,
          runDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the control plane", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate control-plane certificates", e);
    }
  }

  /** Stops everything; idempotent. Called by the shutdown hook and the JUnit root store. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (client != null) {
        client.close();
      }
      if (controllerManager != null) {
        controllerManager.stop(STOP_GRACE);
      }
      if (apiServer != null) {
        apiServer.stop(API_SERVER_STOP_GRACE);
      }
      if (etcd != null) {
        etcd.stop(STOP_GRACE);
      }
    }
    synchronized (ControlPlane.class) {
      if (shared == this) {
        shared = null;
      }
    }
  }

  /** Stops kube-apiserver (etcd and kube-controller-manager keep running). */
  public synchronized void stopApiServer() {
    long started = System.nanoTime();
    apiServer.stop(API_SERVER_STOP_GRACE);
    System.err.printf(
        "[control-plane] kube-apiserver stopped in %.1f s%n", (System.nanoTime() - started) / 1e9);
  }

  /**
   * Starts kube-apiserver again, on the same port with the same certificates and flags, and waits
   * until it is ready.
   */
  public synchronized void startApiServer() {
    long started = System.nanoTime();
    try {
      apiServer.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start kube-apiserver", e);
    }
    waitFor(
        apiServer,
        "kube-apiserver /readyz",
        () -> httpOk(URI.create(apiServerUrl() + "/readyz"), true, "ok"));
    System.err.printf(
        "[control-plane] kube-apiserver ready in %.1f s%n", (System.nanoTime() - started) / 1e9);
  }

  /**
   * Restarts kube-apiserver with these flags after its own (a flag given again replaces the earlier
   * value, e.g. {@code --audit-policy-file}); no flags restores the usual ones. Waits until it is
   * ready. A test that adds flags restores them when it ends: the control plane is shared.
   */
  public synchronized void restartApiServerWith(List<String> flags) {
    stopApiServer();
    List<String> command = new ArrayList<>(apiServerCommand(runDir.resolve("tokens.csv")));
    command.addAll(flags);
    apiServer =
        new ManagedProcess("kube-apiserver", command, log("kube-apiserver"), pid("kube-apiserver"));
    startApiServer();
  }

  /**
   * Freezes kube-apiserver (SIGSTOP): it keeps its sockets, so connections are accepted by the
   * kernel and never answered. {@link #thawApiServer} continues it.
   */
  public synchronized void freezeApiServer() {
    apiServer.signal("STOP");
    System.err.printf("[control-plane] kube-apiserver frozen (pid %d)%n", apiServer.pid());
  }

  /** Continues a frozen kube-apiserver (SIGCONT). */
  public synchronized void thawApiServer() {
    apiServer.signal("CONT");
    System.err.printf("[control-plane] kube-apiserver continued (pid %d)%n", apiServer.pid());
  }

  public synchronized boolean isApiServerRunning() {
    return apiServer.isAlive();
  }

  // ------------------------------------------------------------------------------ access

  /** The shared admin client (static token in {@code system:masters}); do not close it. */
  public KubernetesClient client() {
    return client;
  }

  /** A new admin client; the caller closes it. */
  public KubernetesClient newClient() {
    return new KubernetesClientBuilder().withConfig(config()).build();
  }

  /** Client configuration for the admin user; independent of any kubeconfig of this machine. */
  public Config config() {
    try {
      return new ConfigBuilder(Config.empty())
          .withMasterUrl(apiServerUrl())
          .withOauthToken(adminToken)
          .withCaCertData(
              Base64.getEncoder().encodeToString(pki.caPem().getBytes(StandardCharsets.US_ASCII)))
          .withNamespace("default")
          .withConnectionTimeout(10_000)
          .withRequestTimeout(30_000)
          .withWatchReconnectInterval(500)
          .withWatchReconnectLimit(-1)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String apiServerUrl() {
    return "https://127.0.0.1:" + apiServerPort;
  }

  /** Kubeconfig file of the admin user, for kubectl or an agent under test. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  public String adminToken() {
    return adminToken;
  }

  public Path caCertificate() {
    return pki.caCertificate;
  }

  public String kubernetesVersion() {
    return binaries.kubernetesVersion();
  }

  public Path runDirectory() {
    return runDir;
  }

  public Path logFile(String process) {
    return log(process);
  }

  /**
   * The API server's audit log (JSON lines): every request made by a service account, at level
   * Metadata (user, verb, resource, response code).
   */
  public Path auditLog() {
    return runDir.resolve("audit.log");
  }

  /** A DNS-1123 name unique within this JVM run, for namespaces and objects of one test. */
  public static String uniqueName(String prefix) {
    byte[] random = new byte[4];
    new SecureRandom().nextBytes(random);
    return prefix + "-" + HexFormat.of().formatHex(random);
  }

  // ------------------------------------------------------------------------------ tools

  /** Runs the built kubectl against this control plane with the admin kubeconfig. */
  public ExecResult kubectl(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binaries.path("kubectl").toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(List.of(args));
    return exec(command);
  }

  /** Runs the built etcdctl against this control plane's etcd. */
  public ExecResult etcdctl(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binaries.path("etcdctl").toString());
    command.add("--endpoints=" + etcdUrl());
    command.add("--command-timeout=30s");
    command.addAll(List.of(args));
    return exec(command);
  }

  /** The current etcd revision (the newest resourceVersion the API server can hand out). */
  public long etcdRevision() {
    ExecResult status = etcdctl("endpoint", "status", "--write-out=json");
    if (!status.succeeded()) {
      throw new IllegalStateException("etcdctl endpoint status failed: " + status);
    }
    Matcher matcher = Pattern.compile("\"revision\":(\\d+)").matcher(status.stdout());
    if (!matcher.find()) {
      throw new IllegalStateException("no revision in etcdctl output: " + status.stdout());
    }
    return Long.parseLong(matcher.group(1));
  }

  /**
   * Forces an etcd compaction to the current revision, so that every older resourceVersion is gone
   * from etcd's history. Returns the revision compacted to.
   */
  public long compact() {
    long revision = etcdRevision();
    ExecResult result = etcdctl("compaction", "--physical", Long.toString(revision));
    if (!result.succeeded()) {
      throw new IllegalStateException("etcdctl compaction " + revision + " failed: " + result);
    }
    return revision;
  }

  /** Applies every {@code *.yaml} CRD in the directory and waits until each is Established. */
  public List<CustomResourceDefinition> installCrds(Path directory) {
    List<Path> files;
    try (Stream<Path> listing = Files.list(directory)) {
      files =
          listing
              .filter(f -> f.getFileName().toString().matches(".*\\.ya?ml"))
              .sorted(Comparator.comparing(Path::toString))
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + directory, e);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no CRD files in " + directory);
    }
    List<CustomResourceDefinition> installed = new ArrayList<>();
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        CustomResourceDefinition crd =
            client.apiextensions().v1().customResourceDefinitions().load(in).item();
        installed.add(
            client.resource(crd).fieldManager("canary-tests").forceConflicts().serverSideApply());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
    for (CustomResourceDefinition crd : installed) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(crd.getMetadata().getName())
          .waitUntilCondition(
              ControlPlane::established, READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
    return installed;
  }

  /**
   * {@link #installCrds(Path)} for a directory on the test classpath, e.g. {@code crds/openshift}.
   */
  public List<CustomResourceDefinition> installCrdsFromClasspath(String directory) {
    URL url = ControlPlane.class.getClassLoader().getResource(directory);
    if (url == null) {
      throw new IllegalArgumentException("no classpath directory " + directory);
    }
    try {
      return installCrds(Path.of(url.toURI()));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(url.toString(), e);
    }
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  // ------------------------------------------------------------------------------ internals

  private List<String> etcdCommand() {
    String peer = "http://127.0.0.1:" + etcdPeerPort;
    return List.of(
        binaries.path("etcd").toString(),
        "--name=canary",
        "--data-dir=" + runDir.resolve("etcd-data"),
        "--listen-client-urls=" + etcdUrl(),
        "--advertise-client-urls=" + etcdUrl(),
        "--listen-peer-urls=" + peer,
        "--initial-advertise-peer-urls=" + peer,
        "--initial-cluster=canary=" + peer,
        "--initial-cluster-state=new",
        // A test database: durability across power loss does not matter, speed does.
        "--unsafe-no-fsync=true",
        "--log-level=warn");
  }

  private List<String> apiServerCommand(Path tokens) {
    return List.of(
        binaries.path("kube-apiserver").toString(),
        "--etcd-servers=" + etcdUrl(),
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        "--secure-port=" + apiServerPort,
        "--cert-dir=" + runDir.resolve("pki"),
        "--tls-cert-file=" + pki.servingCertificate,
        "--tls-private-key-file=" + pki.servingKey,
        "--client-ca-file=" + pki.caCertificate,
        "--token-auth-file=" + tokens,
        "--authorization-mode=Node,RBAC",
        "--service-account-key-file=" + pki.serviceAccountPublicKey,
        "--service-account-signing-key-file=" + pki.serviceAccountKey,
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        "--service-cluster-ip-range=10.0.0.0/24",
        // A loopback advertise address cannot be an Endpoints address; nothing needs it here.
        "--endpoint-reconciler-type=none",
        "--watch-cache-sizes=" + UNCACHED_RESOURCE + "#0",
        "--audit-policy-file=" + runDir.resolve(AUDIT_POLICY),
        "--audit-log-path=" + auditLog(),
        "--audit-log-format=json",
        "--profiling=false",
        "--v=1");
  }

  private List<String> controllerManagerCommand() {
    return List.of(
        binaries.path("kube-controller-manager").toString(),
        "--kubeconfig=" + kubeconfig,
        "--controllers=" + String.join(",", CONTROLLERS),
        "--service-account-private-key-file=" + pki.serviceAccountKey,
        "--root-ca-file=" + pki.caCertificate,
        "--leader-elect=false",
        // No serving endpoint: nothing scrapes it and it would need another port.
        "--secure-port=0",
        "--profiling=false",
        "--v=1");
  }

  private String kubeconfigYaml() {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: canary-test
          cluster:
            server: %s
            certificate-authority: %s
        users:
        - name: %s
          user:
            token: %s
        contexts:
        - name: canary-test
          context:
            cluster: canary-test
            user: %s
            namespace: default
        current-context: canary-test
        """
        .formatted(apiServerUrl(), pki.caCertificate, ADMIN_USER, adminToken, ADMIN_USER);
  }

  private String etcdUrl() {
    return "http://127.0.0.1:" + etcdClientPort;
  }

  private Path log(String name) {
    return runDir.resolve(name + ".log");
  }

  private Path pid(String name) {
    return runDir.resolve(name + ".pid");
  }

  private interface Probe {
    boolean ready() throws Exception;
  }

  private static void waitFor(ManagedProcess process, String what, Probe probe) {
    await(what)
        .atMost(READY_TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptionsMatching(e -> !(e instanceof ManagedProcess.ExitedException))
        .until(
            () -> {
              process.checkAlive();
              return probe.ready();
            });
  }

  private boolean httpOk(URI uri, boolean authenticate, String expectedBody) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5));
    if (authenticate) {
      request.header("Authorization", "Bearer " + adminToken);
    }
    HttpResponse<String> response =
        httpClient.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 && response.body().contains(expectedBody);
  }

  private ExecResult exec(List<String> command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      CompletableFuture<String> stdout = readAsync(process.getInputStream());
      CompletableFuture<String> stderr = readAsync(process.getErrorStream());
      if (!process.waitFor(TOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out after " + TOOL_TIMEOUT + ": " + command);
      }
      return new ExecResult(process.exitValue(), stdout.join(), stderr.join());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }

  private static CompletableFuture<String> readAsync(InputStream stream) {
    CompletableFuture<String> result = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (stream) {
                result.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                result.completeExceptionally(e);
              }
            },
            "control-plane-tool-output");
    reader.setDaemon(true);
    reader.start();
    return result;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  private static void deleteRecursively(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(directory)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
