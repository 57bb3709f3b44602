package io.stagingcanary.api;

import io.stagingcanary.leader.Leadership;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Mutating calls to {@code /api/**} on a replica that is not the leader answer 503 naming the
 * leader (header {@value #LEADER_HEADER}); reads are served by every replica.
 */
@Component
class LeaderOnlyFilter extends OncePerRequestFilter {

  static final String LEADER_HEADER = "X-Canary-Leader";
  private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  private final Leadership leadership;

  LeaderOnlyFilter(Leadership leadership) {
    this.leadership = leadership;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/api/")
        || READ_METHODS.contains(request.getMethod());
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (leadership.isLeader()) {
      chain.doFilter(request, response);
      return;
    }
    String leader = leadership.currentLeader().orElse(null);
    response.setStatus(503);
    response.setHeader("Retry-After", "5");
    if (leader != null) {
      response.setHeader(LEADER_HEADER, leader);
    }
    response.setContentType("application/problem+json");
    String detail =
        "This replica ("
            + leadership.identity()
            + ") is not the leader; only the leader "
            + (leader == null ? "(not elected yet)" : leader)
            + " accepts "
            + request.getMethod()
            + " "
            + request.getRequestURI()
            + ".";
    response
        .getWriter()
        .write(
            "{\"type\":\"about:blank\",\"title\":\"Not the leader\",\"status\":503,\"detail\":\""
                + detail.replace("\"", "'")
                + "\""
                + (leader == null ? "" : ",\"leader\":\"" + leader.replace("\"", "'") + "\"")
                + "}");
  }
}
