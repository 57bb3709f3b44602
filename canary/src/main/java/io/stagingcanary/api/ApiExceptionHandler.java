package io.stagingcanary.api;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stagingcanary.leader.NotLeaderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;

/**
 * Errors as application/problem+json (Spring MVC's own errors included, as {@link
 * ResponseEntityExceptionHandler} shapes them); a cluster we cannot see is 503, never an empty
 * answer; an unreadable body names the field and the position.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);
  private static final int MAX_MESSAGE = 300;

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

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    ProblemDetail problem = unreadable(ex);
    return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
  }

  /** A 400 naming the field ({@code matchers.sets[0]}) and the line and column, where known. */
  static ProblemDetail unreadable(HttpMessageNotReadableException ex) {
    JacksonException jackson = jacksonCause(ex);
    String detail;
    ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.BAD_REQUEST);
    problem.setTitle("Unreadable request body");
    if (jackson == null) {
      detail =
          ex.getMessage() != null && ex.getMessage().startsWith("Required request body is missing")
              ? "The request body is missing; send a JSON object."
              : "The request body is not readable JSON.";
    } else {
      String field = field(jackson);
      TokenStreamLocation location = jackson.getLocation();
      StringBuilder text = new StringBuilder();
      if (field != null) {
        text.append("field '").append(field).append("': ");
        problem.setProperty("field", field);
      }
      text.append(firstLine(jackson.getOriginalMessage()));
      if (location != null && location.getLineNr() > 0) {
        text.append(" (line ")
            .append(location.getLineNr())
            .append(", column ")
            .append(location.getColumnNr())
            .append(')');
        problem.setProperty("line", location.getLineNr());
        problem.setProperty("column", location.getColumnNr());
      }
      detail = text.toString();
    }
    problem.setDetail(detail);
    return problem;
  }

  private static JacksonException jacksonCause(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof JacksonException jackson) {
        return jackson;
      }
    }
    return null;
  }

  private static String field(JacksonException e) {
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference reference : e.getPath()) {
      if (reference.getPropertyName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.isEmpty() ? null : path.toString();
  }

  private static String firstLine(String message) {
    if (message == null || message.isBlank()) {
      return "not readable";
    }
    String line = message.strip().lines().findFirst().orElse("");
    return line.length() > MAX_MESSAGE ? line.substring(0, MAX_MESSAGE) + "…" : line;
  }
}
