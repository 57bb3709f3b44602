package io.stagingcanary.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.stagingcanary.fixtures.KindSpec;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fabric8 CRUD mock server with what a real API server does that it does not, so that a stock
 * kubectl works against the sandbox or fails at once with a message saying why:
 *
 * <ul>
 *   <li>it answers API discovery and the health endpoints the agent's liveness probe reads;
 *   <li>deleting a namespace deletes everything in it;
 *   <li>the protobuf body of {@code kubectl create namespace|configmap|secret|serviceaccount} is
 *       read ({@link ProtobufBodies}); another protobuf or CBOR body ({@code kubectl create
 *       deployment}) is refused with 415 and a message showing how to send YAML, a request that
 *       accepts neither JSON nor YAML with 406, a watch as an HTTP stream ({@code kubectl get -w};
 *       fabric8 watches over WebSocket) with 405, at once instead of never;
 *   <li>a JSON merge patch removes what it sets to {@code null} ({@code kubectl label ns x key-}),
 *       and so does a strategic merge patch without directives ({@code kubectl apply} of a changed
 *       ConfigMap); one with directives, and server-side apply, are refused with 415;
 *   <li>creating an object that exists is {@code AlreadyExists} (the mock server says {@code
 *       Invalid});
 *   <li>a request the mock server cannot handle is answered with 500 and the reason, never left
 *       without an answer.
 * </ul>
 */
final class SandboxDispatcher extends Dispatcher {

  private static final Logger log = LoggerFactory.getLogger(SandboxDispatcher.class);

  /** The API server's health endpoints, probed by the agent's liveness check. */
  private static final Set<String> HEALTH_PATHS = Set.of("/readyz", "/livez", "/healthz");

  private static final Pattern NAMESPACE_PATH = Pattern.compile("^/api/v1/namespaces/([^/?]+)$");

  static final String JSON_PATCH = "application/json-patch+json";
  static final String MERGE_PATCH = "application/merge-patch+json";
  static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
  static final String APPLY_PATCH = "application/apply-patch+yaml";

  private final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
  private final ApiDiscovery discovery;

  /**
   * Writes one at a time: a merge patch is read and rewritten in two steps, and a namespace is
   * deleted with its contents, neither interleaved with another write.
   */
  private final ReentrantLock writes = new ReentrantLock();

  SandboxDispatcher(ApiDiscovery discovery) {
    this.discovery = discovery;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    try {
      return handle(request);
    } catch (IllegalArgumentException e) {
      return status(
          400,
          "BadRequest",
          "the sandbox API server cannot read the body of "
              + request.getMethod()
              + " "
              + plainPath(request.getPath())
              + ": "
              + e.getMessage());
    } catch (RuntimeException e) {
      log.warn(
          "Sandbox API server cannot handle {} {}: {}",
          request.getMethod(),
          request.getPath(),
          e.toString());
      return status(
          500,
          "InternalError",
          "the sandbox API server cannot handle "
              + request.getMethod()
              + " "
              + plainPath(request.getPath())
              + ": "
              + e.getMessage());
    }
  }

  private MockResponse handle(RecordedRequest original) {
    RecordedRequest request = original;
    String method = request.getMethod();
    String plainPath = plainPath(request.getPath());
    if ("GET".equals(method)) {
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
      if (plainPath.startsWith("/openapi")) {
        // Only OpenAPI v3's index and its fieldValidation parameters are served (ApiDiscovery).
        return status(404, "NotFound", "the sandbox API server serves no " + plainPath);
      }
    }
    if ("POST".equals(method) && isProtobuf(request)) {
      Optional<ObjectNode> object = ProtobufBodies.toJson(request.getBody().getBytes());
      if (object.isPresent()) {
        request = withJsonBody(request, Serialization.asJson(object.get()));
      }
    }
    Optional<MockResponse> refused = refuseUnsupportedMediaTypes(request);
    if (refused.isPresent()) {
      return refused.get();
    }
    if ("GET".equals(method)) {
      if (isHttpWatch(request)) {
        return status(
            405,
            "MethodNotAllowed",
            "the sandbox API server serves watches over WebSocket only (as fabric8 clients"
                + " watch), not as an HTTP stream: kubectl get -w cannot follow it; poll instead,"
                + " e.g. watch -n1 kubectl get ...");
      }
      return json(crud.dispatch(request));
    }
    writes.lock();
    try {
      if ("PATCH".equals(method)) {
        return json(patch(request, plainPath));
      }
      MockResponse response = crud.dispatch(request);
      if ("POST".equals(method) && response.code() == 409) {
        // The mock server says "Invalid" (kubectl prints: The Namespace "" is invalid).
        return status(409, "AlreadyExists", messageOf(response, "the object already exists"));
      }
      Matcher namespace = NAMESPACE_PATH.matcher(plainPath);
      if ("DELETE".equals(method) && namespace.matches() && response.code() < 300) {
        deleteContents(namespace.group(1));
      }
      return json(response);
    } finally {
      writes.unlock();
    }
  }

  private static boolean isProtobuf(RecordedRequest request) {
    return lower(request.getHeader("Content-Type"))
        .startsWith("application/vnd.kubernetes.protobuf");
  }

  /** The same request with a JSON body (and the headers that describe it). */
  private static RecordedRequest withJsonBody(RecordedRequest request, String json) {
    Headers.Builder headers = Headers.builder();
    request
        .getHeaders()
        .toMultimap()
        .forEach(
            (name, values) -> {
              if (!name.equalsIgnoreCase("Content-Type")
                  && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(value -> headers.add(name, value));
              }
            });
    headers.add("Content-Type", "application/json");
    return new RecordedRequest(
        request.getHttpVersion(),
        request.method(),
        request.getPath(),
        headers.build(),
        new Buffer(json.getBytes(StandardCharsets.UTF_8)));
  }

  /** A watch asked for as a chunked HTTP stream (kubectl), not as a WebSocket (fabric8). */
  private static boolean isHttpWatch(RecordedRequest request) {
    String path = request.getPath();
    String query = path.contains("?") ? path.substring(path.indexOf('?') + 1) : "";
    boolean watch = false;
    for (String parameter : query.split("&")) {
      watch |= parameter.equals("watch=true") || parameter.equals("watch=1");
    }
    return watch && !lower(request.getHeader("Upgrade")).equals("websocket");
  }

  /** 415 for a body the mock server cannot read, 406 for an answer it cannot give. */
  private static Optional<MockResponse> refuseUnsupportedMediaTypes(RecordedRequest request) {
    String contentType = lower(request.getHeader("Content-Type"));
    if (contentType.startsWith("application/vnd.kubernetes.protobuf")
        || contentType.startsWith("application/cbor")) {
      return Optional.of(
          status(
              415,
              "UnsupportedMediaType",
              "the sandbox API server reads JSON and YAML request bodies only, not "
                  + contentType
                  + " (kubectl create <kind> sends protobuf; the sandbox reads it for Namespace,"
                  + " ConfigMap, Secret and ServiceAccount only): create from YAML instead, e.g."
                  + " kubectl create deployment x --image=y --dry-run=client -o yaml"
                  + " | kubectl apply -f -"));
    }
    String accept = lower(request.getHeader("Accept"));
    if (!accept.isEmpty()
        && !accept.contains("json")
        && !accept.contains("yaml")
        && !accept.contains("*/*")) {
      return Optional.of(
          status(
              406,
              "NotAcceptable",
              "the sandbox API server answers in JSON only, not " + request.getHeader("Accept")));
    }
    return Optional.empty();
  }

  private MockResponse patch(RecordedRequest request, String plainPath) {
    String contentType = lower(request.getHeader("Content-Type"));
    if (contentType.startsWith(APPLY_PATCH)) {
      return status(
          415,
          "UnsupportedMediaType",
          "the sandbox API server does not do server-side apply: use kubectl apply without"
              + " --server-side, or kubectl create/replace");
    }
    boolean strategic = contentType.startsWith(STRATEGIC_MERGE_PATCH);
    if (!strategic && !contentType.startsWith(MERGE_PATCH)) {
      return crud.dispatch(request);
    }
    JsonNode patch = readTree(request.getUtf8Body());
    if (strategic && MergePatches.hasDirectives(patch)) {
      return status(
          415,
          "UnsupportedMediaType",
          "the sandbox API server applies a strategic merge patch only when it has no directives"
              + " ($patch, $setElementOrder, $retainKeys, $deleteFromPrimitiveList): a change to"
              + " a list of containers, ports or volumes needs kubectl replace, or delete and"
              + " create");
    }
    MockResponse current = crud.handleGet(plainPath);
    if (current.code() != 200) {
      return current;
    }
    JsonNode object = readTree(bodyOf(current));
    ArrayNode operations = MergePatches.toJsonPatch(object, patch);
    RecordedRequest asJsonPatch =
        new RecordedRequest(
            request.getHttpVersion(),
            HttpMethod.PATCH,
            request.getPath(),
            Headers.builder().add("Content-Type", JSON_PATCH).build(),
            new Buffer(Serialization.asJson(operations).getBytes(StandardCharsets.UTF_8)));
    return crud.dispatch(asJsonPatch);
  }

  private void deleteContents(String namespace) {
    for (KindSpec kind : discovery.namespacedKinds()) {
      String prefix = kind.group().isEmpty() ? "/api/" : "/apis/" + kind.group() + "/";
      crud.handleDelete(prefix + kind.version() + "/namespaces/" + namespace + "/" + kind.plural());
    }
  }

  /**
   * The mock server's answers carry no Content-Type; kubectl needs one to decode them (an error
   * without it reads "the server rejected our request for an unknown reason").
   */
  private static MockResponse json(MockResponse response) {
    if (response.getWebSocketListener() == null
        && response.getHeaders().get("Content-Type") == null) {
      response.setHeader("Content-Type", "application/json");
    }
    return response;
  }

  /** A {@code v1 Status}, what kubectl prints after "Error from server". */
  static MockResponse status(int code, String reason, String message) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.put("metadata", Map.of());
    status.put("status", "Failure");
    status.put("message", message);
    status.put("reason", reason);
    status.put("code", code);
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(Serialization.asJson(status));
  }

  private static String bodyOf(MockResponse response) {
    return response.getBody() == null
        ? ""
        : new String(response.getBody().getBytes(), StandardCharsets.UTF_8);
  }

  private static String messageOf(MockResponse response, String otherwise) {
    try {
      String message = readTree(bodyOf(response)).path("message").asText("");
      return message.isBlank() ? otherwise : message;
    } catch (IllegalArgumentException e) {
      return otherwise;
    }
  }

  private static JsonNode readTree(String json) {
    try {
      return Serialization.jsonMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static String plainPath(String path) {
    return path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
  }

  private static String lower(String header) {
    return header == null ? "" : header.strip().toLowerCase(Locale.ROOT);
  }

  @Override
  public void shutdown() {
    crud.shutdown();
  }
}
