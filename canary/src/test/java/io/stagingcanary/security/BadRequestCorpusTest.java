package io.stagingcanary.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input against every endpoint, with the right token so it reaches the controllers: malformed
 * JSON, wrong types, oversize strings, CR/LF, unicode, huge numbers, missing fields, odd query
 * values and path ids. Nothing may answer 5xx, and every 4xx is application/problem+json.
 */
class BadRequestCorpusTest extends SandboxApi {

  static final String UNKNOWN_RUN = "00000000-0000-0000-0000-000000000000";
  static final String LONG = "x".repeat(300);
  static final String HUGE = "y".repeat(1_100_000);

  /** Bodies that no body endpoint should turn into a 5xx. */
  static final List<String> BODIES =
      List.of(
          "{",
          "",
          "null",
          "[]",
          "\"text\"",
          "123",
          "{\"tool\": ",
          "{\"tool\": \"a\", \"version\": }",
          "{\"tool\": 5, \"version\": true}",
          "{\"tool\": {\"a\": 1}, \"version\": [1, 2]}",
          "{\"exitCode\": \"x\"}",
          "{\"exitCode\": 1e400}",
          "{\"exitCode\": 99999999999999999999999999}",
          "{\"exitCode\": -99999999999}",
          "{\"settle\": \"forever\"}",
          "{\"settle\": \"" + LONG + "\"}",
          "{\"settle\": 30}",
          "{\"start\": 1e300, \"end\": -1e300, \"reason\": \"r\"}",
          "{\"start\": \"+999999999-12-31T20:00:00Z\", \"end\": \"+999999999-12-31T21:00:00Z\","
              + " \"reason\": \"far\"}",
          "{\"start\": \"-999999999-01-01T00:00:00Z\", \"end\": \"+999999999-12-31T23:59:59Z\","
              + " \"reason\": \"all time\"}",
          "{\"start\": \"yesterday\", \"end\": \"tomorrow\", \"reason\": \"r\"}",
          "{\"reason\": \"" + HUGE + "\"}",
          "{\"mode\": \"" + LONG + "\", \"reason\": \"r\"}",
          "{\"matchers\": {\"sets\": \"sandbox\"}, \"reason\": \"r\"}",
          "{\"matchers\": {\"sets\": [null]}, \"reason\": \"r\"}",
          "{\"matchers\": {\"tenants\": [\"" + LONG + "\"]}, \"reason\": \"r\"}",
          "{\"matchers\": {\"kinds\": " + manyNames(5000) + "}, \"reason\": \"r\"}",
          "{\"tool\": \"tool\\nforged\", \"version\": \"1\\r\\nINFO forged\"}",
          "{\"tool\": \"t\\u00fcl\", \"version\": \"\\u202e\\ud83d\\ude00\"}",
          "{\"tool\": \"nul\", \"version\": \"1\\u0000\"}",
          "{\"tool\": \"corpus\", \"version\": \"" + LONG + "\"}",
          "{\"tool\": \"corpus\", \"version\": \"1\", \"commit\": \"" + LONG + "\"}",
          "{\"tool\": \"corpus\", \"version\": \"1\", \"pipelineUrl\": \"" + HUGE + "\"}",
          "{\"tool\": \"corpus\", \"version\": \"1\", \"policy\": \"" + LONG + "\"}",
          "{\"tool\": \"corpus\", \"version\": \"1\", \"identity\": \"" + LONG + LONG + "\"}",
          "{\"tool\": \"" + LONG + "\", \"version\": \"1\"}",
          "{\"tool\": \"corpus\"}",
          "{}",
          "{\"allowUnhealthyBaseline\": \"maybe\", \"tool\": \"corpus\", \"version\": \"1\"}",
          "[".repeat(5000) + "]".repeat(5000),
          "{\"a\":".repeat(3000) + "1" + "}".repeat(3000));

  static final List<String> BODY_ENDPOINTS =
      List.of(
          "/api/v1/runs",
          "/api/v1/runs/" + UNKNOWN_RUN + "/complete",
          "/api/v1/maintenance-windows");

  /** Requests without a body: odd ids, query values and methods. */
  static final List<String[]> REQUESTS =
      List.of(
          new String[] {"POST", "/api/v1/verifications?data=maybe"},
          new String[] {"POST", "/api/v1/verifications?data=true"},
          new String[] {"POST", "/api/v1/seedings?x=" + LONG},
          new String[] {"POST", "/api/v1/incidents/" + LONG + "/reseed"},
          new String[] {"POST", "/api/v1/incidents/inc-none/reseed"},
          new String[] {"POST", "/api/v1/alerts/abc/retry"},
          new String[] {"POST", "/api/v1/alerts/99999999999999999999999/retry"},
          new String[] {"POST", "/api/v1/alerts/-1/retry"},
          new String[] {"DELETE", "/api/v1/maintenance-windows/" + LONG},
          new String[] {"GET", "/api/v1/maintenance-windows/" + LONG},
          new String[] {"GET", "/api/v1/maintenance-windows?state=%0d%0aforged&limit=-5"},
          new String[] {"GET", "/api/v1/maintenance-windows?limit=99999999999999999999"},
          new String[] {"GET", "/api/v1/sentinels?state=GONE"},
          new String[] {"GET", "/api/v1/sentinels?state=" + LONG},
          new String[] {"GET", "/api/v1/sentinels/data"},
          new String[] {"GET", "/api/v1/incidents?limit=abc"},
          new String[] {"GET", "/api/v1/incidents?limit=-2147483648"},
          new String[] {"GET", "/api/v1/incidents/" + LONG},
          new String[] {"GET", "/api/v1/incidents/inc-none/alerts"},
          new String[] {"GET", "/api/v1/alerts?state=%3Cscript%3E&limit=0"},
          new String[] {"GET", "/api/v1/alerts?limit=1e9"},
          new String[] {"GET", "/api/v1/runs?limit=2147483648&verdict=" + LONG + "&tool=%00"},
          new String[] {"GET", "/api/v1/runs/" + LONG},
          new String[] {"GET", "/api/v1/runs/" + UNKNOWN_RUN + "/report?format=../../etc"},
          new String[] {"GET", "/api/v1/status?verbose=%ZZ"},
          new String[] {"POST", "/api/v1/runs"},
          new String[] {"POST", "/api/v1/maintenance-windows"},
          new String[] {"POST", "/api/v1/runs/" + UNKNOWN_RUN + "/complete"});

  static String manyNames(int count) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < count; i++) {
      out.append(i == 0 ? "" : ",").append("\"k").append(i).append('"');
    }
    return out.append(']').toString();
  }

  static Stream<Arguments> bodies() {
    List<Arguments> rows = new ArrayList<>();
    for (String endpoint : BODY_ENDPOINTS) {
      for (int i = 0; i < BODIES.size(); i++) {
        String body = BODIES.get(i);
        String shown = body.length() > 60 ? body.substring(0, 60) + "…" : body;
        rows.add(Arguments.of("POST " + endpoint + " #" + i + " " + shown, endpoint, body));
      }
    }
    return rows.stream();
  }

  static Stream<Arguments> requests() {
    return REQUESTS.stream()
        .map(
            r ->
                Arguments.of(
                    r[0] + " " + (r[1].length() > 90 ? r[1].substring(0, 90) + "…" : r[1]),
                    r[0],
                    r[1]));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bodies")
  void noBodyMakesA5xx(String name, String endpoint, String body) {
    RawHttp.Response response = http().send("POST", endpoint, token(), body, Map.of());
    assertNoServerError(name, response);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requests")
  void noQueryOrIdMakesA5xx(String name, String method, String path) {
    RawHttp.Response response = http().send(method, path, token());
    assertNoServerError(name, response);
  }

  @Test
  void errorsAreProblemsWhateverTheClientAccepts() {
    String incident = "/api/v1/incidents/inc-none";
    String report = "/api/v1/runs/" + UNKNOWN_RUN + "/report";
    // An incident is served as JSON, text or Markdown only: 406 for anything else.
    Object[][] cases = {
      {incident, "text/plain", 404},
      {incident, "text/markdown", 404},
      {incident, "*/*", 404},
      {incident, "application/xml", 406},
      {incident, "text/html", 406},
      {report, "text/plain", 404},
      {report, "application/xml", 404},
      {report, "text/html", 404},
      {report, "*/*", 404}
    };
    for (Object[] c : cases) {
      String name = c[1] + " " + c[0];
      RawHttp.Response response =
          http().send("GET", (String) c[0], null, null, Map.of("Accept", (String) c[1]));
      assertThat(response.status()).as(name).isEqualTo(c[2]);
      assertThat(response.isProblem()).as(name + " -> " + response).isTrue();
    }
  }

  @Test
  void aTooLongCommitIs400NamingTheField() {
    RawHttp.Response response =
        http()
            .send(
                "POST",
                "/api/v1/runs",
                token(),
                "{\"tool\": \"corpus\", \"version\": \"1\", \"commit\": \"" + LONG + "\"}",
                Map.of());
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body()).contains("commit").contains("253");
  }

  @Test
  void malformedJsonNamesTheFieldAndThePosition() {
    RawHttp.Response syntax =
        http()
            .send(
                "POST",
                "/api/v1/maintenance-windows",
                token(),
                "{\n  \"reason\": \"r\",\n  \"end\": }",
                Map.of());
    assertThat(syntax.status()).isEqualTo(400);
    assertThat(syntax.isProblem()).isTrue();
    assertThat(syntax.body()).contains("line 3").contains("column");

    RawHttp.Response type =
        http()
            .send(
                "POST",
                "/api/v1/runs/" + UNKNOWN_RUN + "/complete",
                token(),
                "{\"exitCode\": \"x\"}",
                Map.of());
    assertThat(type.status()).isEqualTo(400);
    assertThat(type.body()).contains("field 'exitCode'").contains("\"field\":\"exitCode\"");

    RawHttp.Response nested =
        http()
            .send(
                "POST",
                "/api/v1/maintenance-windows",
                token(),
                "{\"reason\": \"r\", \"matchers\": {\"sets\": [\"a\", {\"b\": 1}]}}",
                Map.of());
    assertThat(nested.status()).isEqualTo(400);
    assertThat(nested.body()).contains("matchers.sets[1]");
  }

  @Test
  void aTooLongMatcherOrReasonIs400NamingTheField() {
    RawHttp.Response matcher =
        http()
            .send(
                "POST",
                "/api/v1/maintenance-windows",
                token(),
                "{\"start\": \"2026-01-01T00:00:00Z\", \"end\": \"2099-01-01T00:00:00Z\","
                    + " \"reason\": \"r\", \"matchers\": {\"tenants\": [\""
                    + LONG
                    + "\"]}}",
                Map.of());
    assertThat(matcher.status()).isEqualTo(400);
    assertThat(matcher.body()).contains("matchers.tenants");

    RawHttp.Response reason =
        http()
            .send(
                "POST",
                "/api/v1/maintenance-windows",
                token(),
                "{\"reason\": \"" + "r".repeat(1001) + "\"}",
                Map.of());
    assertThat(reason.status()).isEqualTo(400);
    assertThat(reason.body()).contains("reason must be at most 1000 characters");
  }

  private static void assertNoServerError(String name, RawHttp.Response response) {
    assertThat(response.status()).as(name + " -> " + abbreviated(response)).isLessThan(500);
    if (response.status() >= 400) {
      assertThat(response.isProblem()).as(name + " -> " + abbreviated(response)).isTrue();
    }
  }

  private static String abbreviated(RawHttp.Response response) {
    String text = response.toString();
    return text.length() > 400 ? text.substring(0, 400) + "…" : text;
  }
}
