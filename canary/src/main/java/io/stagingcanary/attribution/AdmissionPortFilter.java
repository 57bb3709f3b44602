package io.stagingcanary.attribution;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriUtils;

/**
 * Keeps the admission observer and the rest of the agent apart: on the admission port only {@code
 * POST /admission/v1/observe} is served, and that path is served nowhere else (404). Without the
 * admission observer the path is refused everywhere.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class AdmissionPortFilter extends OncePerRequestFilter {

  private final AttributionProperties properties;

  AdmissionPortFilter(AttributionProperties properties) {
    this.properties = properties;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    boolean enabled = properties.admission().enabled();
    boolean onAdmissionPort = enabled && request.getLocalPort() == properties.admission().port();
    boolean admissionPath = mentionsAdmission(request);
    boolean exact =
        AdmissionController.PATH.equals(request.getRequestURI())
            && "POST".equals(request.getMethod());
    if (onAdmissionPort ? !exact : admissionPath) {
      response.sendError(HttpServletResponse.SC_NOT_FOUND);
      return;
    }
    chain.doFilter(request, response);
  }

  /**
   * Whether any spelling could route to the admission path: the first segment of the raw path
   * (percent-decoded, {@code ;} parameters dropped) or of the path Tomcat mapped is {@code
   * admission}, in any case.
   */
  static boolean mentionsAdmission(HttpServletRequest request) {
    String raw = request.getRequestURI() == null ? "" : request.getRequestURI();
    String mapped =
        (request.getServletPath() == null ? "" : request.getServletPath())
            + (request.getPathInfo() == null ? "" : request.getPathInfo());
    return firstSegmentIsAdmission(decode(raw)) || firstSegmentIsAdmission(mapped);
  }

  private static String decode(String raw) {
    try {
      return UriUtils.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return raw;
    }
  }

  private static boolean firstSegmentIsAdmission(String path) {
    for (String segment : path.split("[/\\\\]")) {
      String plain = segment.contains(";") ? segment.substring(0, segment.indexOf(';')) : segment;
      if (plain.isEmpty() || plain.equals(".")) {
        continue;
      }
      return plain.toLowerCase(Locale.ROOT).equals("admission");
    }
    return false;
  }
}
