package io.stagingcanary.alerts;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The alert as it would be sent, in the agent's log (on by default in the sandbox profile). */
final class LogChannel implements AlertChannel {

  private static final Logger log = LoggerFactory.getLogger(LogChannel.class);

  @Override
  public String name() {
    return "log";
  }

  @Override
  public String type() {
    return "log";
  }

  @Override
  public CompletableFuture<Void> deliver(Alert alert, String idempotencyKey, Instant now) {
    log.warn(
        "ALERT {} {} {} on cluster {} ({}): {} -> {}\n{}",
        alert.status().wire().toUpperCase(java.util.Locale.ROOT),
        alert.name(),
        alert.subject(),
        alert.clusterName(),
        idempotencyKey,
        alert.summary(),
        alert.link(),
        alert.firing() ? alert.text() : "");
    return CompletableFuture.completedFuture(null);
  }
}
