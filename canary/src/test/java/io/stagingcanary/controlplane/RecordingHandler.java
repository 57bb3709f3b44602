package io.stagingcanary.controlplane;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records every informer callback in order. A JVM-wide sequence number orders events across several
 * informers.
 */
public final class RecordingHandler<T extends HasMetadata> implements ResourceEventHandler<T> {

  private static final AtomicLong SEQUENCE = new AtomicLong();

  public enum Type {
    ADD,
    UPDATE,
    DELETE
  }

  /** One callback; {@code old} is set for updates, {@code finalStateUnknown} for deletes. */
  public record Event<T extends HasMetadata>(
      long sequence, Type type, T object, T old, boolean finalStateUnknown) {

    public String name() {
      return object.getMetadata().getName();
    }

    public String kind() {
      return object.getKind();
    }
  }

  private final List<Event<T>> events = new CopyOnWriteArrayList<>();

  @Override
  public void onAdd(T object) {
    events.add(new Event<>(SEQUENCE.incrementAndGet(), Type.ADD, object, null, false));
  }

  @Override
  public void onUpdate(T old, T object) {
    events.add(new Event<>(SEQUENCE.incrementAndGet(), Type.UPDATE, object, old, false));
  }

  @Override
  public void onDelete(T object, boolean deletedFinalStateUnknown) {
    events.add(
        new Event<>(
            SEQUENCE.incrementAndGet(), Type.DELETE, object, null, deletedFinalStateUnknown));
  }

  public List<Event<T>> events() {
    return List.copyOf(events);
  }

  public List<Event<T>> events(Type type) {
    return events.stream().filter(e -> e.type() == type).toList();
  }

  /** Events recorded after the given sequence number. */
  public List<Event<T>> eventsAfter(long sequence) {
    return events.stream().filter(e -> e.sequence() > sequence).toList();
  }

  /** The current JVM-wide sequence number, to mark a point in time. */
  public static long mark() {
    return SEQUENCE.get();
  }
}
