package io.stagingcanary.incident;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.incident.ItemAttribution.Actor;
import io.stagingcanary.incident.ItemAttribution.Cause;
import io.stagingcanary.incident.ItemAttribution.ItemRef;
import io.stagingcanary.incident.ItemAttribution.Source;
import io.stagingcanary.incident.ItemAttribution.UnknownReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttributionSummaryTest {

  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
  private static final Actor ALICE =
      new Actor("alice", List.of("staff"), null, List.of(), "delete", T0, Source.ADMISSION);

  @Test
  void eightyObjectsRemovedByOneNamespaceDeletionAreOneLine() {
    List<ItemAttribution> items = new ArrayList<>();
    items.add(
        new ItemAttribution(
            new ItemRef("Namespace", null, "canary-acme", "u0"), ALICE, null, null, null));
    for (int i = 1; i < 80; i++) {
      items.add(
          new ItemAttribution(
              new ItemRef("ConfigMap", "canary-acme", "cm-" + i, "u" + i),
              ALICE,
              new Cause("Namespace", null, "canary-acme"),
              null,
              null));
    }

    assertThat(AttributionSummary.lines(items))
        .containsExactly("by alice via the deletion of namespace canary-acme (80 objects)");
  }

  @Test
  void differentRequestsAndUnknownItemsAreLinesOfTheirOwnLargestFirst() {
    Actor bob = new Actor("bob", List.of(), null, List.of(), "update", T0, Source.AUDIT);
    List<ItemAttribution> items =
        List.of(
            new ItemAttribution(new ItemRef("ConfigMap", "a", "x", ""), bob, null, null, null),
            ItemAttribution.unknown(
                new ItemRef("Secret", "a", "y", ""), UnknownReason.PENDING, null),
            ItemAttribution.unknown(
                new ItemRef("Secret", "a", "z", ""), UnknownReason.PENDING, null));

    assertThat(AttributionSummary.lines(items))
        .containsExactly(
            "actor unknown: attribution pending: no record of the request yet (2 objects)",
            "by bob, update (1 object)");
    assertThat(AttributionSummary.pending(items)).isTrue();
    assertThat(AttributionSummary.block(items)).startsWith("Attribution:\n  actor unknown");
  }

  @Test
  void withoutAnyObserverTheBlockSaysNothingButTheLinesStillSayWhy() {
    List<ItemAttribution> items =
        List.of(
            ItemAttribution.unknown(
                new ItemRef("Secret", "a", "y", ""), UnknownReason.NO_OBSERVER, null));

    assertThat(AttributionSummary.block(items)).isEmpty();
    assertThat(AttributionSummary.lines(items))
        .containsExactly(
            "actor unknown: no observer configured (neither admission observer nor audit webhook)"
                + " (1 object)");
  }

  @Test
  void aRunIsNamedOnTheLine() {
    Actor tool =
        new Actor(
            "system:serviceaccount:ops:prune-users",
            List.of(),
            null,
            List.of(),
            "delete",
            T0,
            Source.ADMISSION);
    List<ItemAttribution> items =
        List.of(
            new ItemAttribution(
                new ItemRef("ConfigMap", "a", "x", ""),
                tool,
                null,
                "r1 (prune-users 1.0.0)",
                null));

    assertThat(AttributionSummary.lines(items))
        .containsExactly(
            "by system:serviceaccount:ops:prune-users, delete during run r1 (prune-users 1.0.0)"
                + " (1 object)");
    assertThat(AttributionSummary.pending(items)).isFalse();
  }
}
