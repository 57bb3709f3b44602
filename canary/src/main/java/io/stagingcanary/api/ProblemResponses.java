package io.stagingcanary.api;

import io.stagingcanary.diff.Json;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** application/problem+json written by filters and valves, where no controller advice runs. */
final class ProblemResponses {

  static final String CONTENT_TYPE = "application/problem+json";

  private ProblemResponses() {}

  /** The problem body: {@code type}, {@code title}, {@code status}, {@code detail}, extras. */
  static String body(int status, String title, String detail, Map<String, Object> extra) {
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", "about:blank");
    problem.put("title", title);
    problem.put("status", status);
    problem.put("detail", detail);
    problem.putAll(extra);
    return Json.write(problem);
  }

  static void write(HttpServletResponse response, int status, String title, String detail)
      throws IOException {
    write(response, status, title, detail, Map.of());
  }

  static void write(
      HttpServletResponse response,
      int status,
      String title,
      String detail,
      Map<String, Object> extra)
      throws IOException {
    response.setStatus(status);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.setContentType(CONTENT_TYPE);
    response.getWriter().write(body(status, title, detail, extra));
  }
}
