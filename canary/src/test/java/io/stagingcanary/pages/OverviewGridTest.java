package io.stagingcanary.pages;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.verification.SentinelState;
import io.stagingcanary.verification.SentinelView;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The overview's grid: counts per tenant and state, the worst state named first. */
class OverviewGridTest {

  @Test
  void eachTenantShowsItsCountsWorstFirstWithSymbolAndWord() {
    List<SentinelView> views = new ArrayList<>();
    views.add(view("sandbox", "acme", "a", SentinelState.PRESENT));
    views.add(view("sandbox", "acme", "b", SentinelState.PRESENT));
    views.add(view("sandbox", "initech", "a", SentinelState.PRESENT));
    views.add(view("sandbox", "initech", "b", SentinelState.MODIFIED));
    views.add(view("sandbox", "initech", "c", SentinelState.MISSING));
    views.add(view("other", "hooli", "a", SentinelState.UNKNOWN));

    List<PagesController.SetGrid> grids = PagesController.grids(views);

    assertThat(grids).extracting(PagesController.SetGrid::set).containsExactly("other", "sandbox");
    PagesController.SetGrid sandbox = grids.get(1);
    assertThat(sandbox.total()).isEqualTo(5);
    assertThat(sandbox.present()).isEqualTo(3);
    PagesController.TenantCard acme = sandbox.tenants().get(0);
    assertThat(acme.verdict()).isEqualTo("OK");
    assertThat(acme.symbol()).isEqualTo("✔");
    PagesController.TenantCard initech = sandbox.tenants().get(1);
    assertThat(initech.worst()).isEqualTo("MISSING");
    assertThat(initech.verdict()).isEqualTo("LOST");
    assertThat(initech.counts())
        .extracting(PagesController.Count::state)
        .containsExactly("MISSING", "MODIFIED", "PRESENT");
    assertThat(initech.counts()).extracting(PagesController.Count::symbol).doesNotContainNull();
    assertThat(grids.get(0).tenants().get(0).verdict()).isEqualTo("UNKNOWN");
  }

  @Test
  void tenThousandSentinelsBecomeOneCardPerTenantWithTheirCounts() {
    List<SentinelView> views = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      views.add(
          view(
              "bench",
              "tenant-" + (i % 100),
              "s-" + i,
              i % 997 == 0 ? SentinelState.MISSING : SentinelState.PRESENT));
    }
    List<PagesController.SetGrid> grids = PagesController.grids(views);

    // The page carries 100 cards of counts, not 10,000 rows (its latency is a benchmark row in
    // docs/performance.md, not a timed test).
    assertThat(grids.get(0).tenants()).hasSize(100);
    assertThat(grids.get(0).total()).isEqualTo(10_000);
    assertThat(grids.get(0).present()).isEqualTo(10_000 - 11);
    assertThat(grids.get(0).tenants().get(0).counts())
        .extracting(PagesController.Count::state)
        .containsExactly("MISSING", "PRESENT");
  }

  private static SentinelView view(String set, String tenant, String name, SentinelState state) {
    return new SentinelView(
        set, tenant, "v1", "ConfigMap", "canary-" + tenant, name, "uid", null, 1, state, null);
  }
}
