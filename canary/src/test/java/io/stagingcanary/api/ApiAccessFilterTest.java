package io.stagingcanary.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.config.CanaryProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * The filter alone, for what a running sandbox cannot show: an agent with no token configured
 * refuses every mutating spelling with 403. (The full table runs on a real Tomcat in the security
 * tests.)
 */
class ApiAccessFilterTest {

  @Test
  void withoutAnyTokenConfiguredEveryMutatingSpellingIs403() throws Exception {
    ApiAccessFilter filter = filter(false, false);
    for (String[] spelling :
        new String[][] {
          {"/api/v1/seedings", "/api/v1/seedings"},
          {"/api;x/v1/maintenance-windows", "/api/v1/maintenance-windows"},
          {"/%61pi/v1/seedings", "/api/v1/seedings"},
          {"/api;jsessionid=1/v1/runs", "/api/v1/runs"}
        }) {
      MockHttpServletResponse response = call(filter, "POST", spelling[0], spelling[1]);
      assertThat(response.getStatus()).as(spelling[0]).isEqualTo(403);
      assertThat(response.getContentType()).startsWith("application/problem+json");
    }
    assertThat(call(filter, "GET", "/api/v1/status", "/api/v1/status").getStatus()).isEqualTo(200);
    assertThat(call(filter, "GET", "/actuator/prometheus", "/actuator/prometheus").getStatus())
        .isEqualTo(200);
  }

  @Test
  void protectedReadsAndMetricsAre403TooWithoutAnyToken() throws Exception {
    ApiAccessFilter filter = filter(true, true);
    assertThat(call(filter, "GET", "/%61pi/v1/status", "/api/v1/status").getStatus())
        .isEqualTo(403);
    assertThat(call(filter, "GET", "/actuator;x/prometheus", "/actuator/prometheus").getStatus())
        .isEqualTo(403);
    assertThat(call(filter, "GET", "/actuator/health", "/actuator/health").getStatus())
        .isEqualTo(200);
  }

  private static MockHttpServletResponse call(
      ApiAccessFilter filter, String method, String rawUri, String servletPath) throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest(method, rawUri);
    request.setServletPath(servletPath);
    MockHttpServletResponse response = new MockHttpServletResponse();
    filter.doFilter(request, response, new MockFilterChain());
    return response;
  }

  private static ApiAccessFilter filter(boolean protectReads, boolean protectMetrics) {
    CanaryProperties properties =
        new CanaryProperties(
            "staging",
            null,
            Path.of("data"),
            new CanaryProperties.Fixtures(Path.of("fixtures"), List.of("sandbox")),
            new CanaryProperties.Api(null, protectReads, protectMetrics),
            new CanaryProperties.Sandbox(0, "127.0.0.1", null),
            new CanaryProperties.Verification(Duration.ofSeconds(60), 500),
            new CanaryProperties.Incidents(Duration.ofSeconds(5), true),
            new CanaryProperties.Reseed(CanaryProperties.ReseedMode.AFTER_INCIDENT),
            "http://localhost:8080");
    ApiTokens tokens =
        new ApiTokens(
            properties,
            new DefaultListableBeanFactory().getBeanProvider(FallbackTokenSource.class),
            null);
    return new ApiAccessFilter(tokens, properties);
  }
}
