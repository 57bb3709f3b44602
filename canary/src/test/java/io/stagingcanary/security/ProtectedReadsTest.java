package io.stagingcanary.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.api.ApiTokens;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With {@code canary.api.protect-reads=true} and {@code canary.api.protect-metrics=true}, no
 * spelling of an API path and no spelling of {@code /actuator/prometheus} reads without the token;
 * health stays open for probes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sandbox")
class ProtectedReadsTest {

  static final Path DATA_DIR = SandboxApi.temporaryDirectory();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("canary.data-dir", DATA_DIR::toString);
    registry.add("canary.sandbox.port", () -> "0");
    registry.add("canary.fixtures.path", () -> "../fixtures");
    registry.add("canary.api.protect-reads", () -> "true");
    registry.add("canary.api.protect-metrics", () -> "true");
  }

  @LocalServerPort int port;
  @Autowired ApiTokens tokens;

  @Test
  void everySpellingOfAnApiReadNeedsTheToken() {
    String token = SandboxApi.firstToken(tokens.tokenFile().orElseThrow());
    RawHttp http = new RawHttp(port);
    for (PathVariantsTest.Variant variant : PathVariantsTest.VARIANTS) {
      String path = variant.spell().apply("/api/v1/status");
      for (String method : new String[] {"GET", "HEAD"}) {
        String request = method + " " + path + " (" + variant.name() + ")";
        int expected =
            switch (variant.kind()) {
              case NOWHERE -> 404;
              default -> 401;
            };
        assertThat(http.send(method, path, null).status()).as(request).isEqualTo(expected);
        assertThat(http.send(method, path, "wrong").status()).as(request).isEqualTo(expected);
        int withToken =
            switch (variant.kind()) {
              case PLAIN -> 200;
              case IRREGULAR -> 400;
              case UNROUTED, NOWHERE -> 404;
            };
        assertThat(http.send(method, path, token).status()).as(request).isEqualTo(withToken);
      }
    }
  }

  @Test
  void everyPageAndEverySpellingOfItNeedsTheToken() {
    String token = SandboxApi.firstToken(tokens.tokenFile().orElseThrow());
    RawHttp http = new RawHttp(port);
    for (PathVariantsTest.Endpoint page : PathVariantsTest.PAGES) {
      if (page.mutating()) {
        continue;
      }
      for (PathVariantsTest.Variant variant : PathVariantsTest.PAGE_VARIANTS) {
        String path = variant.spell().apply(page.path());
        if (path == null) {
          continue;
        }
        String request = page.method() + " " + path + " (" + variant.name() + ")";
        RawHttp.Response anonymous = http.send(page.method(), path, null);
        assertThat(anonymous.status()).as(request).isEqualTo(401);
        assertThat(anonymous.body()).as(request).doesNotContain("<html");
        assertThat(http.send(page.method(), path, "wrong").status()).as(request).isEqualTo(401);
        int withToken =
            switch (variant.kind()) {
              case PLAIN -> page.plainAnswer();
              case IRREGULAR -> 400;
              case UNROUTED, NOWHERE -> 404;
            };
        assertThat(http.send(page.method(), path, token).status()).as(request).isEqualTo(withToken);
      }
    }
    // the stylesheet and icon hold nothing of the cluster: served without the token
    assertThat(http.send("GET", "/assets/canary.css", null).status()).isEqualTo(200);
  }

  @Test
  void metricsNeedTheTokenHealthDoesNot() {
    String token = SandboxApi.firstToken(tokens.tokenFile().orElseThrow());
    RawHttp http = new RawHttp(port);
    for (String path :
        new String[] {
          "/actuator/prometheus",
          "/actuator;x/prometheus",
          "/actuator/prometheus;x",
          "/actuator/%70rometheus",
          "//actuator/prometheus",
          "/actuator/./prometheus",
          "/ACTUATOR/Prometheus"
        }) {
      RawHttp.Response anonymous = http.send("GET", path, null);
      assertThat(anonymous.status()).as(path).isEqualTo(401);
      assertThat(anonymous.isProblem()).as(path).isTrue();
      assertThat(anonymous.body()).doesNotContain("canary_");
    }
    RawHttp.Response metrics = http.send("GET", "/actuator/prometheus", token);
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body()).contains("canary_");
    assertThat(http.send("GET", "/actuator/health", null).status()).isEqualTo(200);
    assertThat(http.send("GET", "/actuator/health/readiness", null).status()).isEqualTo(200);
  }
}
