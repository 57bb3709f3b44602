package io.stagingcanary.sandbox;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.stagingcanary.fixtures.KindSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The sandbox's API server behind a TCP proxy on a fixed loopback port, for faults a real cluster
 * has: an outage (connections refused; the data stays), a freeze (connections accepted, nothing
 * answered — an API server under SIGSTOP), an answer forced for every request (403), and a
 * replacement (another, empty cluster with another {@code kube-system} uid behind the same URL).
 * {@link #direct()} reaches the current cluster past the proxy, to change it while the agent is
 * blind.
 */
public final class FaultyApiServer implements AutoCloseable {

  private final Collection<KindSpec> kinds;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile Backend backend;
  private volatile ServerSocket listener;
  private volatile boolean frozen;
  private volatile boolean closed;

  private FaultyApiServer(Collection<KindSpec> kinds, int port) {
    this.kinds = kinds;
    this.port = port;
  }

  /** Starts a fresh cluster serving these kinds, behind a proxy on a free loopback port. */
  public static FaultyApiServer start(Collection<KindSpec> kinds) {
    FaultyApiServer server = new FaultyApiServer(kinds, freePort());
    server.backend = Backend.start(kinds, 0);
    server.listen();
    return server;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The uid of the current cluster's kube-system namespace. */
  public String kubeSystemUid() {
    try (KubernetesClient client = direct()) {
      return client.namespaces().withName("kube-system").get().getMetadata().getUid();
    }
  }

  /** A client of the current cluster that bypasses the proxy (and its faults); close it. */
  public KubernetesClient direct() {
    return client(backend.url());
  }

  /** Connections are refused, open ones cut; the cluster keeps its data. */
  public synchronized void stop() {
    closeQuietly(listener);
    listener = null;
    cutConnections();
  }

  /** Serves again on the same port. */
  public synchronized void resume() {
    if (listener == null) {
      listen();
    }
  }

  /** Connections are accepted and requests read, but nothing is answered until {@link #thaw}. */
  public void freeze() {
    frozen = true;
  }

  public void thaw() {
    frozen = false;
  }

  /** Every request is answered with this status (e.g. 403) until {@code 0} is set again. */
  public void answerEverything(int status) {
    backend.faults.status = status;
  }

  /** Another, empty cluster behind the same URL (a rebuilt cluster); open connections are cut. */
  public synchronized void replace() {
    Backend previous = backend;
    backend = Backend.start(kinds, 0);
    cutConnections();
    previous.close();
  }

  /** Writes a kubeconfig pointing at the proxy. */
  public Path writeKubeconfig(Path file) {
    Map<String, Object> kubeconfig =
        Map.of(
            "apiVersion",
            "v1",
            "kind",
            "Config",
            "clusters",
            List.of(Map.of("name", "faulty", "cluster", Map.of("server", url()))),
            "users",
            List.of(Map.of("name", "faulty-admin", "user", Map.of("token", "faulty-token"))),
            "contexts",
            List.of(
                Map.of(
                    "name",
                    "faulty",
                    "context",
                    Map.of("cluster", "faulty", "user", "faulty-admin", "namespace", "default"))),
            "current-context",
            "faulty");
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, Serialization.asYaml(kubeconfig));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    closeQuietly(listener);
    cutConnections();
    backend.close();
  }

  // ---- the proxy

  private void listen() {
    try {
      ServerSocket socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      listener = socket;
      daemon("faulty-accept", () -> accept(socket));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + port, e);
    }
  }

  private void accept(ServerSocket socket) {
    while (!closed && !socket.isClosed()) {
      try {
        Socket client = socket.accept();
        open.add(client);
        daemon("faulty-connection", () -> connect(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void connect(Socket client) {
    Backend target = backend;
    try {
      Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target.port());
      target.connections.add(upstream);
      daemon("faulty-up", () -> pump(client, upstream, false));
      pump(upstream, client, true);
    } catch (IOException e) {
      closeQuietly(client);
    }
  }

  /**
   * Copies bytes one way. While frozen they are held, not refused: the sender keeps writing into a
   * buffer (a frozen API server's kernel still accepts bytes). A connection to the cluster is never
   * closed by the proxy, only drained: the mock server stalls its event loop for a long time on
   * every watch that closes, which a real API server does not.
   */
  private void pump(Socket from, Socket to, boolean fromCluster) {
    LinkedBlockingQueue<byte[]> held = new LinkedBlockingQueue<>();
    byte[] end = new byte[0];
    Socket client = fromCluster ? to : from;
    daemon(
        "faulty-write",
        () -> {
          boolean discard = false;
          try {
            OutputStream out = to.getOutputStream();
            while (true) {
              byte[] chunk = held.take();
              if (chunk == end) {
                break;
              }
              while (frozen && !closed) {
                Thread.sleep(50);
              }
              if (discard) {
                continue;
              }
              try {
                out.write(chunk);
                out.flush();
              } catch (IOException e) {
                // The agent's side is gone: keep draining the cluster's side, never close it.
                discard = true;
                closeQuietly(client);
                if (!fromCluster) {
                  break;
                }
              }
            }
          } catch (IOException e) {
            discard = true;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            closeQuietly(client);
            open.remove(client);
          }
        });
    byte[] buffer = new byte[16384];
    try (InputStream in = from.getInputStream()) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        held.add(Arrays.copyOf(buffer, read));
      }
    } catch (IOException e) {
      // a cut or closed connection
    } finally {
      held.add(end);
    }
  }

  private void cutConnections() {
    for (Socket socket : List.copyOf(open)) {
      closeQuietly(socket);
    }
    open.clear();
  }

  private static void daemon(String name, Runnable work) {
    Thread thread = new Thread(work, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static KubernetesClient client(String url) {
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(url)
            .withNamespace("default")
            .withRequestRetryBackoffLimit(0)
            .withRequestTimeout(30_000)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  // ---- one cluster

  /** A request answered with a forced status, or by the sandbox's dispatcher. */
  private static final class Faults extends Dispatcher {
    private final Dispatcher delegate;
    volatile int status;

    Faults(Dispatcher delegate) {
      this.delegate = delegate;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      int forced = status;
      if (forced > 0) {
        return new MockResponse()
            .setResponseCode(forced)
            .setHeader("Content-Type", "application/json")
            .setBody(
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":"
                    + forced
                    + ",\"message\":\"injected by the test\"}");
      }
      return delegate.dispatch(request);
    }

    @Override
    public void shutdown() {
      delegate.shutdown();
    }
  }

  private record Backend(KubernetesMockServer server, Faults faults, Set<Socket> connections) {

    static Backend start(Collection<KindSpec> kinds, int port) {
      Faults faults =
          new Faults(new SandboxDispatcher(new ApiDiscovery(kinds, SandboxCluster.VERSION)));
      KubernetesMockServer server =
          new KubernetesMockServer(
              new Context(Serialization.jsonMapper()),
              new MockWebServer(),
              new HashMap<>(),
              faults,
              false);
      server.init(InetAddress.getLoopbackAddress(), port);
      Backend backend = new Backend(server, faults, ConcurrentHashMap.newKeySet());
      try (KubernetesClient client = client(backend.url())) {
        // A namespace first, so that kube-system's uid differs from the previous cluster's.
        client
            .namespaces()
            .resource(
                new NamespaceBuilder()
                    .withNewMetadata()
                    .withName("filler-" + UUID.randomUUID().toString().substring(0, 8))
                    .endMetadata()
                    .build())
            .create();
        client
            .namespaces()
            .resource(
                new NamespaceBuilder()
                    .withNewMetadata()
                    .withName("kube-system")
                    .endMetadata()
                    .build())
            .create();
      }
      return backend;
    }

    int port() {
      return server.getPort();
    }

    void close() {
      connections.forEach(FaultyApiServer::closeQuietly);
      server.destroy();
    }

    String url() {
      return "http://127.0.0.1:" + port();
    }
  }
}
