package io.stagingcanary.attribution;

import io.stagingcanary.incident.ItemAttribution;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One API request about a sentinel, as an observer reported it: metadata only, never an object's
 * data.
 *
 * @param source which observer
 * @param requestId the admission request uid or audit id
 * @param verb lower case: delete, update, patch, deletecollection
 * @param apiGroup the resource's API group (empty for core)
 * @param resource the resource, plural (configmaps)
 * @param kind the kind when the observer says it (admission), else null
 * @param namespace empty for cluster-scoped objects
 * @param name the object's name
 * @param uid the old object's uid when known
 * @param ownerUids uids of the old object's owners (for garbage-collection cascades)
 * @param username the requesting user
 * @param groups the user's groups
 * @param extra the user's extra attributes
 * @param userAgent the client's user agent when the observer passes it
 * @param sourceIps the client's addresses when the observer passes them
 * @param dryRun a dry run changes nothing and is never matched
 * @param at when the API server handled it
 */
record ObservedRequest(
    ItemAttribution.Source source,
    String requestId,
    String verb,
    String apiGroup,
    String resource,
    String kind,
    String namespace,
    String name,
    String uid,
    List<String> ownerUids,
    String username,
    List<String> groups,
    Map<String, List<String>> extra,
    String userAgent,
    List<String> sourceIps,
    boolean dryRun,
    Instant at) {

  ObservedRequest {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(at, "at");
    verb = verb.toLowerCase(Locale.ROOT);
    apiGroup = apiGroup == null ? "" : apiGroup;
    resource = resource == null ? "" : resource;
    namespace = namespace == null ? "" : namespace;
    // The API server names a Namespace's own requests with the namespace set to its name.
    boolean namespaceObject =
        apiGroup.isEmpty() && ("namespaces".equals(resource) || "Namespace".equals(kind));
    if (namespaceObject && namespace.equals(name)) {
      namespace = "";
    }
    uid = uid == null || uid.isEmpty() ? null : uid;
    ownerUids = ownerUids == null ? List.of() : List.copyOf(ownerUids);
    groups = groups == null ? List.of() : List.copyOf(groups);
    extra = extra == null ? Map.of() : Map.copyOf(extra);
    sourceIps = sourceIps == null ? List.of() : List.copyOf(sourceIps);
  }

  boolean isDelete() {
    return verb.equals("delete") || verb.equals("deletecollection");
  }

  ItemAttribution.Actor actor() {
    return new ItemAttribution.Actor(username, groups, userAgent, sourceIps, verb, at, source);
  }
}
