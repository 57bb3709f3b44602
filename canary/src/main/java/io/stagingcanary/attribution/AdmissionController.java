package io.stagingcanary.attribution;

import io.stagingcanary.metrics.CanaryMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The validating admission webhook: always allows, and records who asked to delete or update a
 * sentinel (the ValidatingWebhookConfiguration selects only labelled objects). Served only on the
 * HTTPS port of {@link AdmissionConnector}; never logs the review (it may hold a Secret).
 */
@RestController
@ConditionalOnProperty(name = "canary.attribution.admission.enabled", havingValue = "true")
class AdmissionController {

  static final String PATH = "/admission/v1/observe";
  private static final Logger log = LoggerFactory.getLogger(AdmissionController.class);

  private final ObservedRequestStore records;
  private final CanaryMetrics metrics;
  private final Clock clock;

  AdmissionController(ObservedRequestStore records, CanaryMetrics metrics, Clock clock) {
    this.records = records;
    this.metrics = metrics;
    this.clock = clock;
  }

  @PostMapping(
      path = PATH,
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> observe(@RequestBody JsonNode review) {
    long started = System.nanoTime();
    String outcome = "ignored";
    try {
      Optional<ObservedRequest> request = RequestParsing.admission(review, clock.instant());
      if (request.isPresent()) {
        records.add(request.get());
        outcome = "recorded";
      }
    } catch (RuntimeException e) {
      // Allowed all the same: the observer must never block a request.
      outcome = "failed";
      log.warn(
          "Could not record admission request {}: {}",
          RequestParsing.admissionUid(review),
          e.toString());
    }
    metrics.observerRequest("admission", outcome, Duration.ofNanos(System.nanoTime() - started));
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("uid", RequestParsing.admissionUid(review));
    response.put("allowed", true);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("apiVersion", "admission.k8s.io/v1");
    answer.put("kind", "AdmissionReview");
    answer.put("response", response);
    return answer;
  }
}
