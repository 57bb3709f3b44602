package io.stagingcanary.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every spelling of an API path × method × token state, on a real Tomcat, answers exactly what
 * docs/api.md and docs/security.md say: a mutating method without the right token is 401 however
 * the path is written; an irregular spelling of an {@code /api} path is 400 (after the token
 * check); a path that routes nowhere is 404.
 */
class PathVariantsTest extends SandboxApi {

  /** How a spelling of the path behaves. */
  enum Kind {
    /** The one plain spelling: routed to the endpoint. */
    PLAIN,
    /** An /api path in another spelling: refused (400) once the token check passed. */
    IRREGULAR,
    /** A regular path that Spring MVC does not route (trailing slash, other case): 404. */
    UNROUTED,
    /**
     * Not an /api path once decoded (an encoded ';' or '%' is part of the segment's name): routes
     * nowhere, 404 whatever the token.
     */
    NOWHERE
  }

  record Variant(String name, Kind kind, UnaryOperator<String> spell) {}

  /** An endpoint, its method, and what the plain path answers with the right token. */
  record Endpoint(String method, String path, int plainAnswer) {
    boolean mutating() {
      return !method.equals("GET") && !method.equals("HEAD");
    }
  }

  enum TokenState {
    NONE,
    WRONG,
    RIGHT
  }

  static final List<Variant> VARIANTS =
      List.of(
          new Variant("plain", Kind.PLAIN, p -> p),
          new Variant(";x on /api", Kind.IRREGULAR, p -> p.replaceFirst("^/api/", "/api;x/")),
          new Variant(
              ";jsessionid=1", Kind.IRREGULAR, p -> p.replaceFirst("^/api/", "/api;jsessionid=1/")),
          new Variant(";x on v1", Kind.IRREGULAR, p -> p.replaceFirst("/v1/", "/v1;x/")),
          new Variant(";x at the end", Kind.IRREGULAR, p -> p + ";x"),
          new Variant("%61 for a", Kind.IRREGULAR, p -> p.replaceFirst("^/api/", "/%61pi/")),
          new Variant("%76 for v", Kind.IRREGULAR, p -> p.replaceFirst("/v1/", "/%761/")),
          new Variant("%2F after api", Kind.IRREGULAR, p -> p.replaceFirst("^/api/", "/api%2F")),
          new Variant("%2f after v1", Kind.IRREGULAR, p -> p.replaceFirst("/v1/", "/v1%2f")),
          new Variant("%5C after v1", Kind.IRREGULAR, p -> p.replaceFirst("/v1/", "/v1%5C")),
          new Variant("%3B after v1", Kind.IRREGULAR, p -> p.replaceFirst("/v1/", "/v1%3Bx/")),
          new Variant("%3B in api", Kind.NOWHERE, p -> p.replaceFirst("^/api/", "/api%3Bx/")),
          new Variant("double-encoded a", Kind.NOWHERE, p -> p.replaceFirst("^/api/", "/%2561pi/")),
          new Variant("%2E segment", Kind.IRREGULAR, p -> p.replaceFirst("/v1/", "/%2E/v1/")),
          new Variant("leading //", Kind.IRREGULAR, p -> "/" + p),
          new Variant("inner //", Kind.IRREGULAR, p -> p.replaceFirst("/v1/", "//v1/")),
          new Variant("/./", Kind.IRREGULAR, p -> p.replaceFirst("/v1/", "/./v1/")),
          new Variant("/../", Kind.IRREGULAR, p -> p.replaceFirst("/v1/", "/v1/../v1/")),
          new Variant("trailing slash", Kind.UNROUTED, p -> p + "/"),
          new Variant("API upper case", Kind.UNROUTED, p -> p.replaceFirst("^/api/", "/API/")),
          new Variant("Api mixed case", Kind.UNROUTED, p -> p.replaceFirst("^/api/", "/Api/")));

  static final List<Endpoint> ENDPOINTS =
      List.of(
          new Endpoint("GET", "/api/v1/status", 200),
          new Endpoint("HEAD", "/api/v1/status", 200),
          new Endpoint("POST", "/api/v1/verifications", 200),
          new Endpoint("POST", "/api/v1/audit/events", 415),
          new Endpoint("DELETE", "/api/v1/maintenance-windows/mw-nowhere", 404),
          new Endpoint("PUT", "/api/v1/verifications", 405),
          new Endpoint("PATCH", "/api/v1/verifications", 405));

  /**
   * The on-call pages: the same access rules as the API (a mutating method needs the token, an
   * irregular spelling is 400), routed by Spring MVC. A spelling that does not apply to a path (no
   * second segment to encode, nothing above the root) is left out.
   */
  static final List<Variant> PAGE_VARIANTS =
      List.of(
          new Variant("plain", Kind.PLAIN, p -> p),
          new Variant(
              ";x on the first segment",
              Kind.IRREGULAR,
              p -> p.equals("/") ? "/;x" : p.replaceFirst("^/([^/]+)", "/$1;x")),
          new Variant(";jsessionid=1 at the end", Kind.IRREGULAR, p -> p + ";jsessionid=1"),
          new Variant(
              "percent-encoded first letter",
              Kind.IRREGULAR,
              p ->
                  p.equals("/")
                      ? null
                      : "/%" + Integer.toHexString(p.charAt(1)).toUpperCase() + p.substring(2)),
          new Variant(
              "%2F for the second slash",
              Kind.IRREGULAR,
              p -> p.indexOf('/', 1) < 0 ? null : p.replaceFirst("^(/[^/]+)/", "$1%2F")),
          new Variant("leading //", Kind.IRREGULAR, p -> "/" + p),
          new Variant("/./", Kind.IRREGULAR, p -> "/." + p),
          new Variant(
              "/../",
              Kind.IRREGULAR,
              p -> p.equals("/") ? null : p.replaceFirst("^/([^/]+)", "/$1/../$1")),
          new Variant("trailing slash", Kind.UNROUTED, p -> p.equals("/") ? null : p + "/"),
          new Variant(
              "first segment upper case",
              Kind.UNROUTED,
              p -> p.equals("/") ? null : "/" + p.substring(1, 2).toUpperCase() + p.substring(2)));

  static final List<Endpoint> PAGES =
      List.of(
          new Endpoint("GET", "/", 200),
          new Endpoint("HEAD", "/", 200),
          new Endpoint("GET", "/incidents", 200),
          new Endpoint("GET", "/incidents/inc-nowhere", 404),
          new Endpoint("GET", "/runs", 200),
          new Endpoint("GET", "/runs/run-nowhere", 404),
          new Endpoint("GET", "/tenants/sandbox/acme", 200),
          new Endpoint("POST", "/", 405),
          new Endpoint("POST", "/incidents", 405),
          new Endpoint("DELETE", "/runs/run-nowhere", 405));

  static Stream<Arguments> pageTable() {
    List<Arguments> rows = new ArrayList<>();
    for (Endpoint endpoint : PAGES) {
      for (Variant variant : PAGE_VARIANTS) {
        String path = variant.spell().apply(endpoint.path());
        if (path == null) {
          continue;
        }
        for (TokenState token : TokenState.values()) {
          rows.add(
              Arguments.of(
                  endpoint.method()
                      + " "
                      + path
                      + " ("
                      + variant.name()
                      + ", token "
                      + token.name().toLowerCase(java.util.Locale.ROOT)
                      + ")",
                  endpoint,
                  variant,
                  token));
        }
      }
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pageTable")
  void pagesAnswerExactlyWhatTheDocsSay(
      String request, Endpoint endpoint, Variant variant, TokenState token) {
    String path = variant.spell().apply(endpoint.path());
    RawHttp.Response response = http().send(endpoint.method(), path, token(token));

    assertThat(response.status())
        .as(request + " -> " + response)
        .isEqualTo(expected(endpoint, variant, token));
    if (variant.kind() == Kind.PLAIN && response.status() < 400 && !endpoint.mutating()) {
      assertThat(response.headers().get("content-type")).startsWith("text/html");
      assertThat(response.headers().get("content-security-policy")).contains("default-src 'none'");
    }
    if (response.status() == 401) {
      assertThat(response.headers().get("www-authenticate")).startsWith("Bearer");
      assertThat(response.isProblem()).as(request + " -> " + response).isTrue();
    }
  }

  static Stream<Arguments> table() {
    List<Arguments> rows = new ArrayList<>();
    for (Endpoint endpoint : ENDPOINTS) {
      for (Variant variant : VARIANTS) {
        for (TokenState token : TokenState.values()) {
          rows.add(
              Arguments.of(
                  endpoint.method()
                      + " "
                      + variant.spell().apply(endpoint.path())
                      + " ("
                      + variant.name()
                      + ", token "
                      + token.name().toLowerCase(java.util.Locale.ROOT)
                      + ")",
                  endpoint,
                  variant,
                  token));
        }
      }
    }
    return rows.stream();
  }

  /** What the docs promise for this cell of the table (protect-reads off, the default). */
  static int expected(Endpoint endpoint, Variant variant, TokenState token) {
    if (variant.kind() == Kind.NOWHERE) {
      return 404;
    }
    if (endpoint.mutating() && token != TokenState.RIGHT) {
      return 401;
    }
    return switch (variant.kind()) {
      case PLAIN -> endpoint.plainAnswer();
      case IRREGULAR -> 400;
      case UNROUTED, NOWHERE -> 404;
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void answersExactlyWhatTheDocsSay(
      String request, Endpoint endpoint, Variant variant, TokenState token) {
    String path = variant.spell().apply(endpoint.path());
    RawHttp.Response response = http().send(endpoint.method(), path, token(token));

    assertThat(response.status())
        .as(request + " -> " + response)
        .isEqualTo(expected(endpoint, variant, token));
    if (response.status() >= 400 && !endpoint.method().equals("HEAD")) {
      assertThat(response.isProblem()).as(request + " -> " + response).isTrue();
    }
    if (response.status() == 401) {
      assertThat(response.headers().get("www-authenticate")).startsWith("Bearer");
    }
  }

  @Test
  void theThreeBypassRequestsOfTheIssueAnswer401WithoutATokenAndChangeNothing() {
    int windows = http().send("GET", "/api/v1/maintenance-windows", null).body().length();
    int runs = http().send("GET", "/api/v1/runs", null).body().length();
    String window =
        "{\"start\":\"2026-01-01T00:00:00Z\",\"end\":\"2099-01-01T00:00:00Z\",\"reason\":\"x\","
            + "\"mode\":\"mute-all\"}";
    String run = "{\"tool\":\"bypass\",\"version\":\"1\"}";

    for (String token : new String[] {null, "wrong"}) {
      assertThat(post("/api;x/v1/maintenance-windows", token, window).status()).isEqualTo(401);
      assertThat(post("/%61pi/v1/seedings", token, null).status()).isEqualTo(401);
      assertThat(post("/api;jsessionid=1/v1/runs", token, run).status()).isEqualTo(401);
    }
    assertThat(post("/api;x/v1/maintenance-windows", token(), window).status()).isEqualTo(400);
    assertThat(post("/%61pi/v1/seedings", token(), null).status()).isEqualTo(400);
    assertThat(post("/api;jsessionid=1/v1/runs", token(), run).status()).isEqualTo(400);

    assertThat(http().send("GET", "/api/v1/maintenance-windows", null).body())
        .hasSize(windows)
        .doesNotContain("mute-all");
    assertThat(http().send("GET", "/api/v1/runs", null).body())
        .hasSize(runs)
        .doesNotContain("bypass");
  }

  @Test
  void outsideTheApiNothingNeedsATokenAndErrorsAreProblems() {
    assertThat(http().send("GET", "/actuator/health", null).status()).isEqualTo(200);
    assertThat(http().send("GET", "/actuator/prometheus", null).status()).isEqualTo(200);

    RawHttp.Response error = http().send("GET", "/error", null);
    assertThat(error.status()).isEqualTo(404);
    assertThat(error.isProblem()).isTrue();

    RawHttp.Response unknown = http().send("GET", "/nowhere", null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.isProblem()).isTrue();
  }

  @Test
  void whatTomcatRefusesItselfIsAProblemToo() {
    RawHttp.Response oversized =
        http().send("GET", "/api/v1/status", null, null, Map.of("X-Big", "a".repeat(20_000)));
    assertThat(oversized.status()).isEqualTo(400);
    assertThat(oversized.isProblem()).as(oversized.toString()).isTrue();
    assertThat(oversized.body()).doesNotContain("Tomcat").doesNotContain("<html");

    for (String path : new String[] {"/api/v1/%00", "/api\\v1\\status", "/api/v1/<x>"}) {
      RawHttp.Response refused = http().send("POST", path, null);
      assertThat(refused.status()).as(path).isEqualTo(400);
      assertThat(refused.isProblem()).as(path + " -> " + refused).isTrue();
    }
  }

  private RawHttp.Response post(String path, String token, String json) {
    return http().send("POST", path, token, json, Map.of());
  }

  private String token(TokenState state) {
    return switch (state) {
      case NONE -> null;
      case WRONG -> "not-the-token";
      case RIGHT -> token();
    };
  }
}
