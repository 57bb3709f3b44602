package io.stagingcanary.sandbox;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.stagingcanary.fixtures.KindSpec;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fabric8 CRUD mock server with two things a real API server does that it does not: it answers
 * API discovery, and deleting a namespace deletes everything in it.
 */
final class SandboxDispatcher extends Dispatcher {

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
