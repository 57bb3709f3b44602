package io.stagingcanary.attribution;

import io.stagingcanary.incident.ItemAttribution;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads the requests that matter out of an {@code admission.k8s.io/v1 AdmissionReview} or an {@code
 * audit.k8s.io/v1 EventList}. Only metadata is read: of an object, its uid and owner uids; never
 * {@code data}, {@code stringData} or a spec.
 */
final class RequestParsing {

  /** Verbs that can lose or change a sentinel. */
  static final Set<String> CHANGING_VERBS = Set.of("delete", "deletecollection", "update", "patch");

  private RequestParsing() {}

  /** The admission request (DELETE or UPDATE), if the review holds one that changes an object. */
  static Optional<ObservedRequest> admission(JsonNode review, Instant now) {
    JsonNode request = review.path("request");
    String operation = text(request.path("operation"));
    String name = text(request.path("name"));
    if (operation == null || name == null) {
      return Optional.empty();
    }
    String verb =
        operation.equals("DELETE") ? "delete" : operation.equals("UPDATE") ? "update" : null;
    if (verb == null || text(request.path("subResource")) != null) {
      return Optional.empty();
    }
    JsonNode user = request.path("userInfo");
    JsonNode metadata = request.path("oldObject").path("metadata");
    return Optional.of(
        new ObservedRequest(
            ItemAttribution.Source.ADMISSION,
            text(request.path("uid")),
            verb,
            text(request.path("resource").path("group")),
            text(request.path("resource").path("resource")),
            text(request.path("kind").path("kind")),
            text(request.path("namespace")),
            name,
            text(metadata.path("uid")),
            ownerUids(metadata),
            orElse(text(user.path("username")), "unknown"),
            strings(user.path("groups")),
            extra(user.path("extra")),
            null,
            List.of(),
            request.path("dryRun").asBoolean(false),
            now));
  }

  /** The uid to answer with, echoed from the request. */
  static String admissionUid(JsonNode review) {
    return orElse(text(review.path("request").path("uid")), "");
  }

  /**
   * The completed, successful requests of an audit batch that change an object (impersonated
   * requests name the impersonated user).
   */
  static List<ObservedRequest> audit(JsonNode eventList) {
    List<ObservedRequest> requests = new ArrayList<>();
    for (JsonNode event : eventList.path("items").values()) {
      String stage = text(event.path("stage"));
      String verb = text(event.path("verb"));
      JsonNode ref = event.path("objectRef");
      String name = text(ref.path("name"));
      if (!"ResponseComplete".equals(stage)
          || verb == null
          || !CHANGING_VERBS.contains(verb)
          || name == null
          || text(ref.path("subresource")) != null) {
        continue;
      }
      int code = event.path("responseStatus").path("code").asInt(200);
      if (code >= 400) {
        continue;
      }
      JsonNode user =
          event.path("impersonatedUser").isObject()
              ? event.path("impersonatedUser")
              : event.path("user");
      Instant at = instant(event.path("requestReceivedTimestamp"));
      if (at == null) {
        at = instant(event.path("stageTimestamp"));
      }
      if (at == null) {
        continue;
      }
      String uri = orElse(text(event.path("requestURI")), "");
      requests.add(
          new ObservedRequest(
              ItemAttribution.Source.AUDIT,
              text(event.path("auditID")),
              verb,
              text(ref.path("apiGroup")),
              text(ref.path("resource")),
              null,
              text(ref.path("namespace")),
              name,
              text(ref.path("uid")),
              List.of(),
              orElse(text(user.path("username")), "unknown"),
              strings(user.path("groups")),
              extra(user.path("extra")),
              text(event.path("userAgent")),
              strings(event.path("sourceIPs")),
              uri.contains("dryRun=All"),
              at));
    }
    return requests;
  }

  private static List<String> ownerUids(JsonNode metadata) {
    List<String> uids = new ArrayList<>();
    for (JsonNode owner : metadata.path("ownerReferences").values()) {
      String uid = text(owner.path("uid"));
      if (uid != null) {
        uids.add(uid);
      }
    }
    return uids;
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    for (JsonNode value : array.values()) {
      String text = text(value);
      if (text != null) {
        values.add(text);
      }
    }
    return values;
  }

  private static Map<String, List<String>> extra(JsonNode extra) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : extra.properties()) {
      values.put(e.getKey(), strings(e.getValue()));
    }
    return values;
  }

  private static Instant instant(JsonNode node) {
    String text = text(node);
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static String text(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull() || node.isContainer()) {
      return null;
    }
    String text = node.asString();
    return text == null || text.isEmpty() ? null : text;
  }

  private static String orElse(String value, String fallback) {
    return value == null ? fallback : value;
  }
}
