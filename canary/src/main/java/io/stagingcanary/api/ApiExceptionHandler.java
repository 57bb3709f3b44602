package io.stagingcanary.api;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stagingcanary.leader.NotLeaderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Errors as application/problem+json; a cluster we cannot see is 503, never an empty answer. */
@RestControllerAdvice
class ApiExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

  @ExceptionHandler(KubernetesClientException.class)
  ProblemDetail clusterUnavailable(KubernetesClientException e) {
    log.warn("Cannot observe the cluster: {}", e.getMessage());
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.SERVICE_UNAVAILABLE,
            "Cannot observe the cluster right now (HTTP " + e.getCode() + "): " + e.getMessage());
    problem.setTitle("Cluster unavailable");
    return problem;
  }

  @ExceptionHandler(NotLeaderException.class)
  ProblemDetail notLeader(NotLeaderException e) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
    problem.setTitle("Not the leader");
    if (e.leader() != null) {
      problem.setProperty("leader", e.leader());
    }
    return problem;
  }
}
