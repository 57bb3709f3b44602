package io.stagingcanary.api;

import com.zaxxer.hikari.HikariDataSource;
import io.stagingcanary.store.StoreProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Serves at most {@code canary.store.api-read-concurrency} API reads at once; the others wait their
 * turn (fairly). Every read takes at most one pooled connection at a time, so the API never holds
 * more than that many of the ledger's connections and detection, the alert outbox and the ledger
 * probe always find one free, however many clients read.
 */
@Component
class ApiReadBudget extends OncePerRequestFilter {

  private static final Set<String> READ_METHODS = Set.of("GET", "HEAD");

  /** A read that waited this long for its turn answers 503 (with Retry-After), not 500. */
  private static final long MAX_WAIT_SECONDS = 60;

  private final Semaphore reads;

  ApiReadBudget(StoreProperties properties, DataSource dataSource) {
    int permits = properties.apiReadConcurrency();
    if (dataSource instanceof HikariDataSource hikari
        && permits > hikari.getMaximumPoolSize() - 2) {
      throw new IllegalStateException(
          "canary.store.api-read-concurrency ("
              + permits
              + ") must leave at least 2 of spring.datasource.hikari.maximum-pool-size ("
              + hikari.getMaximumPoolSize()
              + ") to detection");
    }
    this.reads = new Semaphore(permits, true);
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/api/")
        || !READ_METHODS.contains(request.getMethod());
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    boolean acquired;
    try {
      acquired = reads.tryAcquire(MAX_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      acquired = false;
    }
    if (!acquired) {
      response.setHeader("Retry-After", "1");
      response.sendError(503, "Too many concurrent API reads; try again");
      return;
    }
    try {
      chain.doFilter(request, response);
    } finally {
      reads.release();
    }
  }
}
