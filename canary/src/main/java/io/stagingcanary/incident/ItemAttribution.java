package io.stagingcanary.incident;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Who or what changed one item of an incident: the actor of the request, the original request of a
 * cascade ({@code cause}), the gated run it happened in, or why that is not known. Added to a
 * stored incident by {@link IncidentEnrichmentStore}, also after it was sealed.
 *
 * @param item the incident item (kind, namespace, name, uid of the sentinel as seeded)
 * @param actor who made the request; null when unknown
 * @param cause the request that cascaded to this item (a namespace or owner deletion); null when
 *     the actor changed the item directly
 * @param run the gated run the item changed in ({@code id (tool version)}); null when none
 * @param unknown why the actor is not known; null when it is
 */
public record ItemAttribution(
    ItemRef item, Actor actor, Cause cause, String run, UnknownReason unknown) {

  public ItemAttribution {
    Objects.requireNonNull(item, "item");
    if (actor == null && unknown == null) {
      throw new IllegalArgumentException("an item without an actor needs the reason");
    }
    if (actor != null) {
      unknown = null;
    }
  }

  public static ItemAttribution unknown(ItemRef item, UnknownReason reason, String run) {
    return new ItemAttribution(item, null, null, run, reason);
  }

  public boolean known() {
    return actor != null;
  }

  /** The identity of an incident item as the ledger knows it. */
  public record ItemRef(String kind, String namespace, String name, String uid) {
    public ItemRef {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
      namespace = namespace == null ? "" : namespace;
      uid = uid == null ? "" : uid;
    }

    @Override
    public String toString() {
      return kind + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
    }
  }

  /**
   * Who made the request that changed the item.
   *
   * @param username the authenticated user
   * @param groups the user's groups
   * @param userAgent the client's user agent (audit events only; null otherwise)
   * @param sourceIps the client's addresses (audit events only; empty otherwise)
   * @param verb what was done: delete, update, patch
   * @param at when the API server saw the request
   * @param source which observer reported it
   */
  public record Actor(
      String username,
      List<String> groups,
      String userAgent,
      List<String> sourceIps,
      String verb,
      Instant at,
      Source source) {
    public Actor {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(source, "source");
      groups = groups == null ? List.of() : List.copyOf(groups);
      sourceIps = sourceIps == null ? List.of() : List.copyOf(sourceIps);
      at = at == null ? null : at.truncatedTo(ChronoUnit.MICROS);
    }
  }

  /** The request that cascaded: the deletion of this namespace or owner. */
  public record Cause(String kind, String namespace, String name) {
    public Cause {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
      namespace = namespace == null || namespace.isEmpty() ? null : namespace;
    }

    /** For example {@code the deletion of namespace canary-acme}. */
    public String describe() {
      return "the deletion of "
          + kind.toLowerCase(Locale.ROOT)
          + " "
          + (namespace == null ? name : namespace + "/" + name);
    }
  }

  /** Which observer reported the actor. */
  public enum Source {
    /** The validating admission webhook the agent serves. */
    ADMISSION,
    /** The API server's audit webhook backend. */
    AUDIT,
    /** A gated run of an ops tool (its identity, no request seen). */
    RUN;

    @JsonValue
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Why an item's actor is not known. */
  public enum UnknownReason {
    NO_OBSERVER("no observer configured (neither admission observer nor audit webhook)"),
    OBSERVER_DOWN("observer down: the change happened while the agent was not running or blind"),
    PENDING("attribution pending: no record of the request yet"),
    NOT_RECEIVED("no record arrived in time: webhook unreachable or record arrived too late");

    private final String text;

    UnknownReason(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }
}
