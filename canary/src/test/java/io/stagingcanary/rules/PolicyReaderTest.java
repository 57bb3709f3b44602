package io.stagingcanary.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.Yaml;

class PolicyReaderTest {

  @Test
  void readsEveryField() {
    ToolPolicy policy =
        PolicyReader.read(
            "cleanup",
            new Yaml()
                .load(
                    """
                    tool: cleanup
                    description: removes unpaid tenants
                    mayAffect:
                      tenants: ["purchased=false", "tier in (free)"]
                      remove: [Namespace, User]
                      modify: [ConfigMap]
                    mustRemove: ["purchased=false"]
                    maxRemovedFraction: 0.25
                    ineffective: warn
                    """));
    assertThat(policy.mayAffect()).hasSize(2);
    assertThat(policy.removableKinds()).containsExactly("Namespace", "User");
    assertThat(policy.maxRemovedFraction()).isEqualTo(0.25);
    assertThat(policy.ineffective()).isEqualTo(ToolPolicy.Ineffective.WARN);
    assertThat(policy.declares(Map.of("tier", "free"), "Namespace", true)).isTrue();
    assertThat(policy.declares(Map.of("tier", "free"), "Secret", true)).isFalse();
    assertThat(policy.declares(Map.of("tier", "free"), "ConfigMap", false)).isTrue();
    assertThat(policy.declares(Map.of("purchased", "false"), "Secret", true))
        .as("bait may lose anything")
        .isTrue();
    assertThat(policy.declares(Map.of("tier", "pro"), "Namespace", true)).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "tool: other|tool",
        "mayAffect: [a]|mayAffect",
        "mayAffect: {tenants: ['tier in free']}|mayAffect.tenants[0]",
        "mayAffect: {tenants: ['']}|mayAffect.tenants[0]",
        "mayAffect: {remove: [Namespace]}|mayAffect.tenants",
        "mayAffect: {tenants: [a=b], remove: [namespace]}|mayAffect.remove[0]",
        "mayAffect: {tenants: [a=b], delete: [Namespace]}|mayAffect.delete",
        "mustRemove: purchased=false|mustRemove",
        "maxRemovedFraction: 1.5|maxRemovedFraction",
        "maxRemovedFraction: lots|maxRemovedFraction",
        "ineffective: ignore|ineffective",
        "unknownField: 1|unknownField",
      })
  void namesTheBadField(String yaml, String field) {
    Object document = new Yaml().load(yaml);
    assertThatThrownBy(() -> PolicyReader.read("cleanup", document))
        .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageStartingWith("field " + field + ": ");
  }
}
