package io.stagingcanary.api;

import io.stagingcanary.config.CanaryProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bearer-token access to {@code /api/**} and the on-call pages ({@code /}, {@code /incidents/**},
 * {@code /runs/**}, {@code /tenants/**}): mutating methods always need a valid token; reads only
 * when {@code canary.api.protect-reads=true}; {@code /actuator/prometheus} only when {@code
 * canary.api.protect-metrics=true}. No token configured means no mutation at all. The area is
 * decided on the routed path ({@link ApiPaths}); an {@code /api} or page path that is not in its
 * plain spelling ({@code ;} parameters, percent-encoding, {@code //}, {@code .}) is refused with
 * 400 after the token check.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class ApiAccessFilter extends OncePerRequestFilter {

  private final ApiTokens tokens;
  private final boolean protectReads;
  private final boolean protectMetrics;

  ApiAccessFilter(ApiTokens tokens, CanaryProperties properties) {
    this.tokens = tokens;
    this.protectReads = properties.api().protectReads();
    this.protectMetrics = properties.api().protectMetrics();
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    ApiPaths.Area area = ApiPaths.area(request);
    if (area == ApiPaths.Area.OTHER) {
      chain.doFilter(request, response);
      return;
    }
    boolean read = ApiPaths.isRead(request);
    boolean needsToken =
        switch (area) {
          case API, PAGES -> !read || protectReads;
          case METRICS -> read && protectMetrics;
          case OTHER -> false;
        };
    if (needsToken && !authorised(request, response, read)) {
      return;
    }
    String irregular = ApiPaths.irregularity(request);
    if (irregular != null) {
      ProblemResponses.write(
          response,
          400,
          "Irregular path",
          irregular + "; send the plain path, e.g. " + ApiPaths.mappedPath(request));
      return;
    }
    chain.doFilter(request, response);
  }

  /** Writes 401/403 and answers false unless the request carries a configured token. */
  private boolean authorised(HttpServletRequest request, HttpServletResponse response, boolean read)
      throws IOException {
    if (!tokens.configured()) {
      ProblemResponses.write(
          response,
          403,
          "API access disabled",
          "No API token is configured (canary.api.token-file or CANARY_API_TOKEN), so "
              + (read ? "protected reads" : "mutating endpoints")
              + " are refused.");
      return false;
    }
    String header = request.getHeader("Authorization");
    String presented =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).trim()
            : null;
    if (!tokens.accepts(presented)) {
      response.setHeader("WWW-Authenticate", "Bearer realm=\"staging-canary\"");
      ProblemResponses.write(
          response,
          401,
          "Unauthorized",
          presented == null
              ? "This endpoint needs an 'Authorization: Bearer <token>' header."
              : "The bearer token is not one of the configured API tokens.");
      return false;
    }
    return true;
  }
}
