package io.stagingcanary.incident;

import java.util.List;

/**
 * Told of every stored change to an incident, inside the database transaction that stores it: what
 * a listener writes to the ledger database (the alert outbox) commits or rolls back with the
 * change. A listener must not call out of the process.
 */
public interface IncidentChangeListener {

  /** The incident's grouping window closed: the moment to alert on it. */
  default void sealed(Incident incident) {}

  /** A sealed, open incident got worse (a terminating namespace is now gone). */
  default void escalated(Incident incident) {}

  /** Every sentinel of the incident is back. */
  default void resolved(Incident incident) {}

  /** Tells every one of {@code listeners}, in order. */
  static IncidentChangeListener all(List<? extends IncidentChangeListener> listeners) {
    List<IncidentChangeListener> copy = List.copyOf(listeners);
    return new IncidentChangeListener() {
      @Override
      public void sealed(Incident incident) {
        copy.forEach(l -> l.sealed(incident));
      }

      @Override
      public void escalated(Incident incident) {
        copy.forEach(l -> l.escalated(incident));
      }

      @Override
      public void resolved(Incident incident) {
        copy.forEach(l -> l.resolved(incident));
      }
    };
  }
}
