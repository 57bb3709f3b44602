package io.stagingcanary.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * The admission path is served on the admission port only, in no spelling on the main port, and the
 * admission port serves nothing else.
 */
class AdmissionPortFilterTest {

  private static final int MAIN = 8080;
  private static final int ADMISSION = 8443;

  private final AdmissionPortFilter filter =
      new AdmissionPortFilter(
          new AttributionProperties(
              Duration.ofHours(1),
              1000,
              Duration.ofMinutes(10),
              Duration.ofMinutes(2),
              List.of(),
              new AttributionProperties.Admission(
                  true, ADMISSION, new AttributionProperties.Tls(null, null, null)),
              new AttributionProperties.Audit(false)));

  @ParameterizedTest(name = "{0} {1} on {2} -> {3}")
  @CsvSource({
    "POST, /admission/v1/observe, 8443, 200",
    "GET, /admission/v1/observe, 8443, 404",
    "GET, /actuator/health, 8443, 404",
    "POST, /api/v1/verifications, 8443, 404",
    "POST, /admission/v1/observe, 8080, 404",
    "POST, /Admission/v1/observe, 8080, 404",
    "POST, /%61dmission/v1/observe, 8080, 404",
    "POST, /admission;x/v1/observe, 8080, 404",
    "POST, //admission/v1/observe, 8080, 404",
    "GET, /api/v1/incidents/admission-day, 8080, 200",
    "GET, /actuator/health, 8080, 200"
  })
  void servesTheAdmissionPathOnItsPortOnly(String method, String path, int port, int status)
      throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest(method, path);
    request.setLocalPort(port);
    MockHttpServletResponse response = new MockHttpServletResponse();
    MockFilterChain chain = new MockFilterChain();

    filter.doFilter(request, response, chain);

    assertThat(response.getStatus()).isEqualTo(status);
    assertThat(chain.getRequest() != null).isEqualTo(status == 200);
  }
}
