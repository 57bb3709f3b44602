package io.stagingcanary.api;

import io.stagingcanary.leader.Leadership;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Mutating calls to {@code /api/**} on a replica that is not the leader answer 503 naming the
 * leader (header {@value #LEADER_HEADER}); reads are served by every replica. Runs after the token
 * check, on the same routed path ({@link ApiPaths}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 30)
class LeaderOnlyFilter extends OncePerRequestFilter {

  static final String LEADER_HEADER = "X-Canary-Leader";

  private final Leadership leadership;

  LeaderOnlyFilter(Leadership leadership) {
    this.leadership = leadership;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return ApiPaths.area(request) != ApiPaths.Area.API || ApiPaths.isRead(request);
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
    response.setHeader("Retry-After", "5");
    if (leader != null) {
      response.setHeader(LEADER_HEADER, leader);
    }
    String detail =
        "This replica ("
            + leadership.identity()
            + ") is not the leader; only the leader "
            + (leader == null ? "(not elected yet)" : leader)
            + " accepts "
            + request.getMethod()
            + " "
            + ApiPaths.mappedPath(request)
            + ".";
    Map<String, Object> extra = new LinkedHashMap<>();
    if (leader != null) {
      extra.put("leader", leader);
    }
    ProblemResponses.write(response, 503, "Not the leader", detail, extra);
  }
}
