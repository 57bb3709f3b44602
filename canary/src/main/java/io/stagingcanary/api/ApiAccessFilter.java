package io.stagingcanary.api;

import io.stagingcanary.config.CanaryProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bearer-token access to {@code /api/**}: mutating methods always need a valid token; reads only
 * when {@code canary.api.protect-reads=true}. No token configured means no mutation at all.
 */
@Component
class ApiAccessFilter extends OncePerRequestFilter {

  private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  private final ApiTokens tokens;
  private final boolean protectReads;

  ApiAccessFilter(ApiTokens tokens, CanaryProperties properties) {
    this.tokens = tokens;
    this.protectReads = properties.api().protectReads();
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/api/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    boolean read = READ_METHODS.contains(request.getMethod());
    if (read && !protectReads) {
      chain.doFilter(request, response);
      return;
    }
    if (!tokens.configured()) {
      problem(
          response,
          403,
          "API access disabled",
          "No API token is configured (canary.api.token-file or CANARY_API_TOKEN), so "
              + (read ? "protected reads" : "mutating endpoints")
              + " are refused.");
      return;
    }
    String header = request.getHeader("Authorization");
    String presented =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).trim()
            : null;
    if (!tokens.accepts(presented)) {
      response.setHeader("WWW-Authenticate", "Bearer realm=\"staging-canary\"");
      problem(
          response,
          401,
          "Unauthorized",
          presented == null
              ? "This endpoint needs an 'Authorization: Bearer <token>' header."
              : "The bearer token is not one of the configured API tokens.");
      return;
    }
    chain.doFilter(request, response);
  }

  private static void problem(HttpServletResponse response, int status, String title, String detail)
      throws IOException {
    response.setStatus(status);
    response.setContentType("application/problem+json");
    response
        .getWriter()
        .write(
            "{\"type\":\"about:blank\",\"title\":\""
                + title
                + "\",\"status\":"
                + status
                + ",\"detail\":\""
                + detail.replace("\"", "'")
                + "\"}");
  }
}
