package io.stagingcanary.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The error page as application/problem+json (replaces Spring Boot's {@code BasicErrorController}):
 * an error the container forwards here keeps its status; a request for {@code /error} itself is a
 * 404. Never shows an exception's message or trace for a 5xx.
 */
@RestController
class ProblemErrorController implements ErrorController {

  @RequestMapping(
      value = "${server.error.path:${error.path:/error}}",
      produces = {MediaType.APPLICATION_PROBLEM_JSON_VALUE, MediaType.ALL_VALUE})
  ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    ProblemDetail problem;
    if (!(code instanceof Integer status) || status < 400) {
      problem =
          ProblemDetail.forStatusAndDetail(
              HttpStatus.NOT_FOUND, "No resource here: this path only shows errors of others.");
    } else {
      HttpStatus known = HttpStatus.resolve(status);
      String title = known == null ? "HTTP " + status : known.getReasonPhrase();
      Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
      String detail =
          status >= 500 || !(message instanceof String text) || text.isBlank()
              ? (status >= 500
                  ? "The agent failed to answer; its log has the cause."
                  : "The request was refused (" + title + ").")
              : text;
      problem = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status), detail);
      problem.setTitle(title);
    }
    return ResponseEntity.status(problem.getStatus())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }
}
