package io.stagingcanary.diff;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupingAndRenderingTest {

  private static final SentinelStatus MISSING = new SentinelStatus.Missing();

  private static SentinelResult result(
      String tenant, String kind, String ns, String name, SentinelStatus status) {
    return new SentinelResult(new ResourceKey("v1", kind, ns, name), "s-" + tenant, tenant, status);
  }

  private static List<SentinelResult> mixed() {
    return List.of(
        result("zeta", "ConfigMap", "canary-zeta", "a", MISSING),
        result("acme", "User", null, "alice", MISSING),
        result("acme", "Secret", "canary-acme", "b", MISSING),
        result("acme", "ConfigMap", "canary-acme", "z", MISSING),
        result("acme", "ConfigMap", "canary-acme", "a", MISSING),
        result("acme", "Namespace", null, "canary-acme", MISSING),
        result("acme", "ConfigMap", "canary-b", "a", MISSING),
        result(null, "ConfigMap", "stray", "x", MISSING),
        result("acme", "ConfigMap", "canary-acme", "ok", new SentinelStatus.Present()));
  }

  @Test
  void groupsByTenantThenNamespaceWithTheNamespaceFirstAndClusterScopedLast() {
    List<SentinelResult> shuffled = new ArrayList<>(mixed());
    Collections.shuffle(shuffled, new java.util.Random(7));
    GroupedDiff grouped = GroupedDiff.of(new DiffResult(shuffled, List.of()));

    assertThat(grouped.tenants())
        .extracting(GroupedDiff.TenantGroup::tenant)
        .containsExactly("acme", "zeta", null);
    GroupedDiff.TenantGroup acme = grouped.tenants().get(0);
    assertThat(acme.sets()).containsExactly("s-acme");
    assertThat(acme.scopes())
        .extracting(GroupedDiff.ScopeGroup::namespace)
        .containsExactly("canary-acme", "canary-b", null);
    assertThat(acme.scopes().get(0).sentinels())
        .extracting(r -> r.key().toString())
        .containsExactly(
            "Namespace canary-acme",
            "ConfigMap canary-acme/a",
            "ConfigMap canary-acme/z",
            "Secret canary-acme/b");
  }

  @Test
  void headlineCountsLostByKindAndOtherStatuses() {
    List<SentinelResult> results = new ArrayList<>(mixed());
    results.add(
        result("acme", "ConfigMap", "canary-acme", "m", new SentinelStatus.Modified(List.of())));
    results.add(result("beta", "ConfigMap", "canary-beta", "u", new SentinelStatus.Unknown("x")));
    assertThat(Headline.of(new DiffResult(results, List.of())))
        .isEqualTo(
            "4 tenants affected: 8 sentinels lost — ConfigMap 5, Namespace 1, Secret 1, User 1;"
                + " 1 modified; 1 unknown");
  }

  @Test
  void cleanHeadline() {
    SentinelResult ok = result("a", "ConfigMap", "n", "c", new SentinelStatus.Present());
    assertThat(Headline.of(new DiffResult(List.of(ok, ok), List.of())))
        .isEqualTo("All 2 sentinels present");
    assertThat(Headline.of(new DiffResult(List.of(ok), List.of())))
        .isEqualTo("All 1 sentinel present");
    assertThat(TextRenderer.render(new DiffResult(List.of(ok), List.of())))
        .isEqualTo("All 1 sentinel present\n");
  }

  @Test
  void renderingsAreIndependentOfInputOrder() {
    List<SentinelResult> reversed = new ArrayList<>(mixed());
    Collections.reverse(reversed);
    DiffResult a = new DiffResult(mixed(), List.of());
    DiffResult b = new DiffResult(reversed, List.of());
    assertThat(TextRenderer.render(b)).isEqualTo(TextRenderer.render(a));
    assertThat(MarkdownRenderer.render(b)).isEqualTo(MarkdownRenderer.render(a));
    assertThat(JsonRenderer.render(b)).isEqualTo(JsonRenderer.render(a));
  }

  @Test
  void markdownEscapesTableCells() {
    FieldChange change = new FieldChange("data.x", "a|b", "<script>", "value changed");
    SentinelResult r =
        result("acme", "ConfigMap", "n", "c", new SentinelStatus.Modified(List.of(change)));
    String md = MarkdownRenderer.render(new DiffResult(List.of(r), List.of()));
    assertThat(md)
        .contains(
            "| MODIFIED | `n` | `ConfigMap c` | data.x: \"a\\|b\" → \"&lt;script&gt;\" (value"
                + " changed) |");
  }

  @Test
  void jsonIsValidAndUsesTheDocumentedFieldNames() throws Exception {
    FieldChange change = new FieldChange("data[\"a\\\"b\"]", "x\ny", null, "field removed");
    SentinelResult r =
        result("acme", "ConfigMap", "n", "c", new SentinelStatus.Modified(List.of(change)));
    SentinelResult rep =
        result("acme", "Secret", "n", "s", new SentinelStatus.Replaced("u1", "u2"));
    JsonNode json =
        new ObjectMapper()
            .readTree(JsonRenderer.render(new DiffResult(List.of(r, rep), List.of())));
    assertThat(json.get("clean").asBoolean()).isFalse();
    assertThat(json.get("counts").get("MODIFIED").asInt()).isEqualTo(1);
    assertThat(json.get("lostByKind").get("Secret").asInt()).isEqualTo(1);
    JsonNode sentinels = json.get("tenants").get(0).get("groups").get(0).get("sentinels");
    JsonNode c = sentinels.get(0).get("changes").get(0);
    assertThat(c.get("path").asText()).isEqualTo("data[\"a\\\"b\"]");
    assertThat(c.get("expected").asText()).isEqualTo("x\ny");
    assertThat(c.get("actual").isNull()).isTrue();
    assertThat(sentinels.get(1).get("expectedUid").asText()).isEqualTo("u1");
    assertThat(sentinels.get(1).get("actualUid").asText()).isEqualTo("u2");
  }
}
