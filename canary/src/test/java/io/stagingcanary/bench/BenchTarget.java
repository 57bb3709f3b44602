package io.stagingcanary.bench;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.stagingcanary.controlplane.ControlPlane;
import io.stagingcanary.controlplane.ControlPlaneBinaries;
import io.stagingcanary.sandbox.SandboxCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the workload runs: {@code sandbox} (the fabric8 mock API server in this JVM, CRUD mode) or
 * {@code real} (etcd + kube-apiserver + kube-controller-manager of the control-plane ITs, from the
 * binaries cache). Each {@link #start} gives a fresh, empty cluster.
 */
sealed interface BenchTarget {

  String name();

  /** Why the target cannot run on this machine, if it cannot. */
  Optional<String> unavailable();

  Cluster start(Path workDir) throws IOException;

  /** A running cluster the agent is pointed at through a kubeconfig. */
  interface Cluster extends AutoCloseable {

    Path kubeconfig();

    /** Admin client configuration. */
    Config config();

    /** A new admin client; the caller closes it. */
    default KubernetesClient newClient() {
      return new KubernetesClientBuilder().withConfig(config()).build();
    }

    /** A new admin client that sends up to {@code requests} requests at once. */
    default KubernetesClient newClient(int requests) {
      return new KubernetesClientBuilder()
          .withConfig(
              new ConfigBuilder(config())
                  .withMaxConcurrentRequests(Math.max(64, requests))
                  .withMaxConcurrentRequestsPerHost(requests)
                  .build())
          .build();
    }

    /** One line for the results: what the cluster is. */
    String describe();

    @Override
    void close();
  }

  static BenchTarget named(String name) {
    return switch (name.strip()) {
      case "sandbox" -> new Sandbox();
      case "real" -> new Real();
      default ->
          throw new IllegalArgumentException(
              "bench.targets: unknown target '" + name + "' (sandbox, real)");
    };
  }

  /** The sandbox API server (fabric8 mock server, CRUD mode) in the benchmark's JVM. */
  record Sandbox() implements BenchTarget {

    /** Held so that java.util.logging does not forget the level. */
    private static final java.util.logging.Logger MOCK_SERVER_LOG =
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    @Override
    public String name() {
      return "sandbox";
    }

    @Override
    public Optional<String> unavailable() {
      return Optional.empty();
    }

    @Override
    public Cluster start(Path workDir) throws IOException {
      // The mock server logs every request at INFO; 10,000 creates would drown the results.
      MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
      int port;
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = socket.getLocalPort();
      }
      SandboxCluster sandbox = SandboxCluster.start("127.0.0.1", port, BenchFixtures.kinds());
      Path kubeconfig = workDir.resolve("kubeconfig");
      sandbox.writeKubeconfig(kubeconfig);
      String url = "http://127.0.0.1:" + port;
      return new Cluster() {
        @Override
        public Path kubeconfig() {
          return kubeconfig;
        }

        @Override
        public Config config() {
          return new ConfigBuilder(Config.empty())
              .withMasterUrl(url)
              .withNamespace("default")
              .withRequestRetryBackoffLimit(0)
              .build();
        }

        @Override
        public String describe() {
          return "sandbox API server (fabric8 mock server, CRUD mode) at "
              + url
              + " in the benchmark's JVM; the agent in its own JVM, so its memory is its own";
        }

        @Override
        public void close() {
          sandbox.close();
        }
      };
    }
  }

  /** The real control plane the ITs use ({@link ControlPlane}), one fresh instance per start. */
  record Real() implements BenchTarget {

    @Override
    public String name() {
      return "real";
    }

    @Override
    public Optional<String> unavailable() {
      ControlPlaneBinaries binaries = ControlPlaneBinaries.locate();
      return binaries.missing().isEmpty()
          ? Optional.empty()
          : Optional.of(binaries.missingMessage());
    }

    @Override
    public Cluster start(Path workDir) {
      // shared() starts a new control plane (fresh etcd) whenever the previous one was closed.
      ControlPlane controlPlane = ControlPlane.shared();
      return new Cluster() {
        @Override
        public Path kubeconfig() {
          return controlPlane.kubeconfig();
        }

        @Override
        public Config config() {
          return controlPlane.config();
        }

        @Override
        public String describe() {
          return "real control plane: etcd + kube-apiserver + kube-controller-manager, kubernetes "
              + controlPlane.kubernetesVersion()
              + ", at "
              + controlPlane.apiServerUrl()
              + " (admin token)";
        }

        @Override
        public void close() {
          controlPlane.close();
        }
      };
    }
  }
}
