package io.stagingcanary.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.leader.Leadership;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** Every replica serves reads; only the leader accepts mutating calls. */
class LeaderOnlyFilterTest {

  private boolean leads;

  private final Leadership leadership =
      new Leadership() {
        @Override
        public boolean isLeader() {
          return leads;
        }

        @Override
        public String identity() {
          return "canary-b";
        }

        @Override
        public Optional<String> currentLeader() {
          return Optional.of(leads ? "canary-b" : "canary-a");
        }
      };

  private final LeaderOnlyFilter filter = new LeaderOnlyFilter(leadership);

  @Test
  void aFollowerAnswers503NamingTheLeaderForAMutatingCall() throws Exception {
    MockHttpServletResponse response = call("POST", "/api/v1/verifications");

    assertThat(response.getStatus()).isEqualTo(503);
    assertThat(response.getHeader(LeaderOnlyFilter.LEADER_HEADER)).isEqualTo("canary-a");
    assertThat(response.getContentAsString())
        .contains("\"leader\":\"canary-a\"")
        .contains("canary-b")
        .contains("POST /api/v1/verifications");
  }

  @Test
  void aFollowerRefusesEverySpellingThatRoutesIntoTheApi() throws Exception {
    for (String[] spelling :
        new String[][] {
          {"/api;x/v1/maintenance-windows", "/api/v1/maintenance-windows"},
          {"/%61pi/v1/seedings", "/api/v1/seedings"},
          {"/api;jsessionid=1/v1/runs", "/api/v1/runs"},
          {"/API/v1/runs", "/API/v1/runs"}
        }) {
      MockHttpServletRequest request = new MockHttpServletRequest("POST", spelling[0]);
      request.setServletPath(spelling[1]);
      MockHttpServletResponse response = new MockHttpServletResponse();
      filter.doFilter(request, response, new MockFilterChain());
      assertThat(response.getStatus()).as(spelling[0]).isEqualTo(503);
      assertThat(response.getContentType()).startsWith("application/problem+json");
      assertThat(response.getContentAsString()).contains("POST " + spelling[1]);
    }
  }

  @Test
  void aFollowerServesReadsAndActuator() throws Exception {
    assertThat(call("GET", "/api/v1/status").getStatus()).isEqualTo(200);
    assertThat(call("POST", "/actuator/refresh").getStatus()).isEqualTo(200);
  }

  @Test
  void theLeaderAcceptsMutatingCalls() throws Exception {
    leads = true;
    assertThat(call("POST", "/api/v1/verifications").getStatus()).isEqualTo(200);
  }

  private MockHttpServletResponse call(String method, String uri) throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest(method, uri);
    MockHttpServletResponse response = new MockHttpServletResponse();
    MockFilterChain chain = new MockFilterChain();
    filter.doFilter(request, response, chain);
    if (response.getStatus() == 200) {
      assertThat(chain.getRequest()).as("passed on").isNotNull();
    }
    return response;
  }
}
