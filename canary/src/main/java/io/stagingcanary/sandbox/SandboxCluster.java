package io.stagingcanary.sandbox;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.stagingcanary.fixtures.KindSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An in-process Kubernetes API server (fabric8 mock server in CRUD mode) for trying the agent with
 * nothing installed. It is a new, empty cluster at every start: its kube-system namespace, and so
 * its cluster identity, is created afresh.
 */
public final class SandboxCluster implements AutoCloseable {

  static final String VERSION = "v1.34.0-sandbox";

  private final KubernetesMockServer server;
  private final String url;
  private final String clusterId = "sandbox-" + UUID.randomUUID();

  private SandboxCluster(KubernetesMockServer server, String url) {
    this.server = server;
    this.url = url;
  }

  /** A random identity per start: the mock server's uids repeat across starts, clusters don't. */
  public String clusterId() {
    return clusterId;
  }

  /** Starts a sandbox on host:port (port 0 picks a free one) serving the given extra kinds. */
  public static SandboxCluster start(String host, int port, Collection<KindSpec> kinds) {
    ApiDiscovery discovery = new ApiDiscovery(kinds, VERSION);
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            new HashMap<>(),
            new SandboxDispatcher(discovery),
            false);
    try {
      server.init(InetAddress.getByName(host), port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the sandbox API server on " + host, e);
    }
    SandboxCluster sandbox = new SandboxCluster(server, "http://" + host + ":" + server.getPort());
    try (KubernetesClient client = sandbox.newClient()) {
      client
          .namespaces()
          .resource(
              new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                  .withNewMetadata()
                  .withName("kube-system")
                  .endMetadata()
                  .build())
          .create();
    }
    return sandbox;
  }

  public String url() {
    return url;
  }

  public KubernetesClient newClient() {
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(url)
            .withTrustCerts(true)
            .withNamespace("default")
            .withRequestRetryBackoffLimit(0)
            // The mock server sometimes stalls ~10 s after a watch closes; outwait it.
            .withRequestTimeout(30_000)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Writes a kubeconfig for this sandbox (kubectl, tools under test) and returns its path. */
  public Path writeKubeconfig(Path file) {
    Map<String, Object> kubeconfig =
        Map.of(
            "apiVersion",
            "v1",
            "kind",
            "Config",
            "clusters",
            List.of(Map.of("name", "staging-canary-sandbox", "cluster", Map.of("server", url))),
            "users",
            List.of(
                Map.of(
                    "name",
                    "sandbox-admin",
                    "user",
                    Map.of("token", UUID.randomUUID().toString()))),
            "contexts",
            List.of(
                Map.of(
                    "name",
                    "staging-canary-sandbox",
                    "context",
                    Map.of("cluster", "staging-canary-sandbox", "user", "sandbox-admin"))),
            "current-context",
            "staging-canary-sandbox");
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, Serialization.asYaml(kubeconfig));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the sandbox kubeconfig to " + file, e);
    }
  }

  @Override
  public void close() {
    server.destroy();
  }
}
