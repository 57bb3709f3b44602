package io.stagingcanary.sandbox;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.stagingcanary.fixtures.KindSpec;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fabric8 CRUD mock server with what a real API server does that it does not: it answers API
 * discovery and the health endpoints, and deleting a namespace deletes everything in it.
 */
final class SandboxDispatcher extends Dispatcher {

  /** The API server's health endpoints, probed by the agent's liveness check. */
  private static final Set<String> HEALTH_PATHS = Set.of("/readyz", "/livez", "/healthz");

  private static final Pattern NAMESPACE_PATH = Pattern.compile("^/api/v1/namespaces/([^/?]+)$");

  private final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
  private final ApiDiscovery discovery;

  SandboxDispatcher(ApiDiscovery discovery) {
    this.discovery = discovery;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    String plainPath = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    if ("GET".equals(request.getMethod())) {
      if (plainPath.startsWith("/openapi")) {
        return new MockResponse().setResponseCode(404);
      }
      if (HEALTH_PATHS.contains(plainPath)) {
        return new MockResponse().setResponseCode(200).setBody("ok");
      }
      Optional<String> document = discovery.document(plainPath);
      if (document.isPresent()) {
        return new MockResponse()
            .setResponseCode(200)
            .setHeader("Content-Type", "application/json")
            .setBody(document.get());
      }
    }
    MockResponse response = crud.dispatch(request);
    Matcher namespace = NAMESPACE_PATH.matcher(plainPath);
    if ("DELETE".equals(request.getMethod()) && namespace.matches() && response.code() < 300) {
      deleteContents(namespace.group(1));
    }
    return response;
  }

  private void deleteContents(String namespace) {
    for (KindSpec kind : discovery.namespacedKinds()) {
      String prefix = kind.group().isEmpty() ? "/api/" : "/apis/" + kind.group() + "/";
      crud.handleDelete(prefix + kind.version() + "/namespaces/" + namespace + "/" + kind.plural());
    }
  }

  @Override
  public void shutdown() {
    crud.shutdown();
  }
}
