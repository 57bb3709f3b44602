package io.stagingcanary.verification;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelResult;
import io.stagingcanary.diff.SentinelStatus;
import io.stagingcanary.diff.StatusType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Merging full listings with event judgements, and counts kept without walking the map. */
class ObservedResultsTest {

  static final ResourceKey A = ResourceKey.namespaced("v1", "ConfigMap", "t1", "a");
  static final ResourceKey B = ResourceKey.namespaced("v1", "ConfigMap", "t1", "b");
  static final ResourceKey C = ResourceKey.namespaced("v1", "ConfigMap", "t2", "c");

  final ObservedResults results = new ObservedResults();

  static SentinelResult present(ResourceKey key) {
    return new SentinelResult(key, "sandbox", key.namespace(), new SentinelStatus.Present());
  }

  static SentinelResult missing(ResourceKey key) {
    return new SentinelResult(key, "sandbox", key.namespace(), new SentinelStatus.Missing());
  }

  @Test
  void anEventJudgedAfterTheListingBeganIsNotOverwrittenByTheOlderListing() {
    results.judged(List.of(present(A), present(B)));
    long mark = results.mark();
    results.judged(List.of(missing(A)));

    List<SentinelResult> taken = results.mergeListing(mark, List.of(present(A), present(B)));

    assertThat(taken).containsExactly(present(B));
    assertThat(results.get(A).type()).isEqualTo(StatusType.MISSING);
    assertThat(results.anyLoss()).isTrue();
  }

  @Test
  void aListingThatBeganAfterTheEventIsTheNewerFact() {
    results.judged(List.of(missing(A)));
    long mark = results.mark();

    List<SentinelResult> taken = results.mergeListing(mark, List.of(present(A)));

    assertThat(taken).containsExactly(present(A));
    assertThat(results.get(A).type()).isEqualTo(StatusType.PRESENT);
    assertThat(results.anyLoss()).isFalse();
  }

  @Test
  void reSeededSentinelsAreLeftToTheirEventsAndALaterListingTakesThemAgain() {
    results.judged(List.of(missing(A)));
    long first = results.mark();
    results.touched(List.of(A));

    assertThat(results.mergeListing(first, List.of(missing(A)))).isEmpty();
    long second = results.mark();
    assertThat(results.mergeListing(second, List.of(present(A)))).containsExactly(present(A));
  }

  @Test
  void countsFollowEveryChangeAndSentinelsNoLongerExpectedAreDropped() {
    results.mergeListing(results.mark(), List.of(present(A), missing(B), missing(C)));
    assertThat(results.countByState())
        .isEqualTo(Map.of(StatusType.PRESENT, 1, StatusType.MISSING, 2));
    assertThat(results.lostAfter(List.of(present(B)))).isEqualTo(1);
    assertThat(results.lostAfter(List.of(missing(A)))).isEqualTo(3);

    results.mergeListing(results.mark(), List.of(present(A), present(B)));

    assertThat(results.view()).containsOnlyKeys(A, B);
    assertThat(results.countByState()).isEqualTo(Map.of(StatusType.PRESENT, 2));
    assertThat(results.anyLoss()).isFalse();
    assertThat(results.lostAfter(List.of())).isZero();
  }

  @Test
  void unknownReportsEverySentinelUnknownWithoutChangingTheResults() {
    results.judged(List.of(present(A), missing(B)));

    Map<ResourceKey, SentinelResult> unknown = results.unknown("API server not answering");

    assertThat(unknown.values()).extracting(SentinelResult::type).containsOnly(StatusType.UNKNOWN);
    assertThat(results.get(A).type()).isEqualTo(StatusType.PRESENT);
  }
}
