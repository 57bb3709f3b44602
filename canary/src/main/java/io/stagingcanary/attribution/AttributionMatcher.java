package io.stagingcanary.attribution;

import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.incident.ItemAttribution;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Joins recorded requests to the items of an incident, by identity (kind, namespace, name, uid) and
 * time. A request of a user that is not a controller wins; an item removed by a controller (the
 * namespace controller emptying a deleted namespace, the garbage collector removing dependents) is
 * attributed to whoever deleted the namespace or the owner, with that deletion as its cause. Pure:
 * the records and the owners' records are handed in.
 */
final class AttributionMatcher {

  /** How far up a chain of owners a garbage-collection cascade is followed. */
  private static final int MAX_OWNER_DEPTH = 4;

  private final Set<String> controllers;

  AttributionMatcher(List<String> controllerUsernames) {
    this.controllers = Set.copyOf(controllerUsernames);
  }

  /** What the matcher needs to know about the situation of one incident. */
  record Context(
      Instant from,
      List<ObservedRequest> records,
      Function<List<String>, List<ObservedRequest>> byUid,
      Runs runs,
      ItemAttribution.UnknownReason otherwise) {}

  /** The gated runs a change happened in. */
  @FunctionalInterface
  interface Runs {

    /** No run knows of any change. */
    Runs NONE = (key, at) -> null;

    /**
     * The run, as alerts name it, during which the sentinel changed; {@code at} is the time of the
     * request that changed it, or {@code null} when no request was recorded (then the incident's
     * own time span counts). {@code null} when no run.
     */
    String during(ResourceKey key, Instant at);
  }

  /** The attribution of one incident item. */
  ItemAttribution attribute(ResourceKey key, String uid, Context context) {
    ItemAttribution.ItemRef item =
        new ItemAttribution.ItemRef(key.kind(), key.namespace(), key.name(), uid);
    List<ObservedRequest> direct =
        context.records().stream()
            .filter(r -> !r.dryRun() && !r.at().isBefore(context.from()))
            .filter(r -> sameObject(r, key, uid))
            .toList();
    Optional<ObservedRequest> byUser =
        direct.stream()
            .filter(r -> !controllers.contains(r.username()))
            .max(Comparator.comparing(ObservedRequest::at));
    if (byUser.isPresent()) {
      return new ItemAttribution(
          item, byUser.get().actor(), null, context.runs().during(key, byUser.get().at()), null);
    }
    Optional<ObservedRequest> byController =
        direct.stream().max(Comparator.comparing(ObservedRequest::at));
    if (key.isNamespaced()) {
      Optional<ObservedRequest> namespaceDeletion =
          context.records().stream()
              .filter(r -> !r.dryRun() && r.isDelete() && !r.at().isBefore(context.from()))
              .filter(r -> !controllers.contains(r.username()))
              .filter(
                  r ->
                      sameObject(
                          r, ResourceKey.clusterScoped("v1", "Namespace", key.namespace()), null))
              .min(Comparator.comparing(ObservedRequest::at));
      if (namespaceDeletion.isPresent()
          && (byController.isEmpty() || byController.get().isDelete())) {
        return new ItemAttribution(
            item,
            namespaceDeletion.get().actor(),
            new ItemAttribution.Cause("Namespace", null, key.namespace()),
            context.runs().during(key, namespaceDeletion.get().at()),
            null);
      }
    }
    if (byController.isPresent()) {
      Optional<ObservedRequest> owner = ownerDeletion(byController.get(), context);
      if (owner.isPresent()) {
        ObservedRequest o = owner.get();
        return new ItemAttribution(
            item,
            o.actor(),
            new ItemAttribution.Cause(kindOf(o), o.namespace(), o.name()),
            context.runs().during(key, o.at()),
            null);
      }
      ObservedRequest removal = byController.get();
      return new ItemAttribution(
          item, removal.actor(), null, context.runs().during(key, removal.at()), null);
    }
    String during = context.runs().during(key, null);
    if (during != null) {
      ItemAttribution.Actor run =
          new ItemAttribution.Actor(
              "run " + during, List.of(), null, List.of(), null, null, ItemAttribution.Source.RUN);
      return new ItemAttribution(item, run, null, during, null);
    }
    return ItemAttribution.unknown(item, context.otherwise(), null);
  }

  /** The deletion, by a user, of an owner of what a controller removed (followed up the chain). */
  private Optional<ObservedRequest> ownerDeletion(ObservedRequest removal, Context context) {
    List<String> owners = removal.ownerUids();
    for (int depth = 0; depth < MAX_OWNER_DEPTH && !owners.isEmpty(); depth++) {
      List<ObservedRequest> deletions =
          context.byUid().apply(owners).stream()
              .filter(r -> !r.dryRun() && r.isDelete() && !r.at().isBefore(context.from()))
              .toList();
      Optional<ObservedRequest> byUser =
          deletions.stream()
              .filter(r -> !controllers.contains(r.username()))
              .min(Comparator.comparing(ObservedRequest::at));
      if (byUser.isPresent()) {
        return byUser;
      }
      List<String> next = new ArrayList<>();
      deletions.forEach(d -> next.addAll(d.ownerUids()));
      owners = next;
    }
    return Optional.empty();
  }

  static boolean sameObject(ObservedRequest r, ResourceKey key, String uid) {
    if (!r.name().equals(key.name())
        || !r.namespace().equals(key.namespace() == null ? "" : key.namespace())
        || !r.apiGroup().equals(key.group())) {
      return false;
    }
    boolean kind =
        r.kind() != null
            ? r.kind().equalsIgnoreCase(key.kind())
            : r.resource().equals(plural(key.kind()));
    if (!kind) {
      return false;
    }
    return uid == null || uid.isEmpty() || r.uid() == null || r.uid().equals(uid);
  }

  private static String kindOf(ObservedRequest r) {
    return r.kind() != null ? r.kind() : r.resource();
  }

  /**
   * The resource name of a kind as the API server names it in most cases (lower case, plural):
   * ConfigMap to configmaps, NetworkPolicy to networkpolicies, Ingress to ingresses.
   */
  static String plural(String kind) {
    String lower = kind.toLowerCase(Locale.ROOT);
    if (lower.endsWith("y") && !lower.endsWith("ay") && !lower.endsWith("ey")) {
      return lower.substring(0, lower.length() - 1) + "ies";
    }
    if (lower.endsWith("s")
        || lower.endsWith("x")
        || lower.endsWith("ch")
        || lower.endsWith("sh")) {
      return lower + "es";
    }
    return lower + "s";
  }
}
