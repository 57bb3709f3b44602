package io.stagingcanary.diff;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void escapesQuotesBackslashesAndControlCharacters() {
    assertThat(Json.quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
    assertThat(Json.quote("l1\nl2\r\t\b\f")).isEqualTo("\"l1\\nl2\\r\\t\\b\\f\"");
    assertThat(Json.quote("\u0000\u001f\u007f")).isEqualTo("\"\\u0000\\u001f\\u007f\"");
    assertThat(Json.quote("\u2028\u2029")).isEqualTo("\"\\u2028\\u2029\"");
    assertThat(Json.quote("ünïcode → ok")).isEqualTo("\"ünïcode → ok\"");
  }

  @Test
  void everyStringRoundTripsThroughARealParser() throws Exception {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x300; c++) {
      all.append(c);
    }
    all.append("\u2028\ud83d\ude00");
    String parsed = new ObjectMapper().readValue(Json.quote(all.toString()), String.class);
    assertThat(parsed).isEqualTo(all.toString());
  }

  @Test
  void writesTreesInInsertionOrder() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("z", 1);
    map.put("a", Arrays.asList(true, null, 2.5, "s"));
    map.put("e", Map.of());
    map.put("l", List.of());
    assertThat(Json.write(map))
        .isEqualTo("{\"z\":1,\"a\":[true,null,2.5,\"s\"],\"e\":{},\"l\":[]}");
    assertThat(Json.pretty(Map.of("k", List.of(1)))).isEqualTo("{\n  \"k\": [\n    1\n  ]\n}");
  }

  @Test
  void nonFiniteNumbersBecomeStrings() {
    assertThat(Json.write(List.of(Double.NaN, Double.NEGATIVE_INFINITY)))
        .isEqualTo("[\"NaN\",\"-Infinity\"]");
    assertThat(Json.write(new java.math.BigDecimal("1E+3"))).isEqualTo("1000");
  }
}
