package io.stagingcanary.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelSelectorTest {

  static final Map<String, String> PAYING =
      Map.of("tier", "pro", "purchased", "true", "example.com/region", "eu");
  static final Map<String, String> BAIT = Map.of("tier", "free", "purchased", "false");

  @ParameterizedTest(name = "''{0}'' paying={1} bait={2}")
  @CsvSource(
      delimiter = ';',
      value = {
        "purchased=false; false; true",
        "purchased==false; false; true",
        "purchased!=false; true; false",
        "tier in (free, starter); false; true",
        "tier notin (free,starter); true; false",
        "suspended notin (true); true; true",
        "suspended!=true; true; true",
        "example.com/region; true; false",
        "!example.com/region; false; true",
        "tier=pro,purchased=true; true; false",
        "tier in (pro),!suspended; true; false",
        "'  tier = free ,  purchased = false  '; false; true",
        "''; true; true",
        "tier=; false; false",
      })
  void matchesLikeKubernetes(String selector, boolean paying, boolean bait) {
    LabelSelector parsed = LabelSelector.parse(selector);
    assertThat(parsed.matches(PAYING)).isEqualTo(paying);
    assertThat(parsed.matches(BAIT)).isEqualTo(bait);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "tier in free; expected '('",
        "tier in (free; expected ','",
        "tier in (); a set needs at least one value",
        "tier > 1; expected =, ==, !=, in or notin",
        "=free; expected a label key",
        "tier=free,; expected a label key",
        "Bad_Prefix/x=1; invalid key prefix",
        "tier=bad value!; expected ','",
        "tier=-x; invalid label value '-x'",
      })
  void rejectsBadSyntaxNamingThePosition(String selector, String message) {
    assertThatThrownBy(() -> LabelSelector.parse(selector))
        .isInstanceOf(LabelSelector.SelectorSyntaxException.class)
        .hasMessageContaining(message)
        .hasMessageContaining("at position");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "tier in (b,a),!x,y!=1; 'tier in (a,b),!x,y!=1'",
        "a==1; a=1",
      })
  void canonicalForm(String selector, String canonical) {
    assertThat(LabelSelector.parse(selector).canonical()).isEqualTo(canonical);
  }
}
