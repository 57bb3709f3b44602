package io.stagingcanary.watch;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stagingcanary.platform.ComponentExecutor;
import io.stagingcanary.platform.ComponentExecutors;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Whether the API server answers at all: a GET of {@code canary.sight.probe-path} every {@code
 * probe-interval}, given up after {@code probe-timeout}. Watch state alone cannot tell: a frozen
 * API server (accepting connections, never answering) leaves every watch open and silent. After
 * {@code probe-failures} failed probes in a row the API server is <em>down</em>, since the first of
 * them; one answered probe makes it alive again.
 *
 * <p>The decision ({@link #record}) is separate from the probing, so it is tested with a fake
 * clock.
 */
@Component
public class ApiLiveness implements InitializingBean, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(ApiLiveness.class);

  private final KubernetesClient client;
  private final SightProperties properties;
  private final Clock clock;
  private final ComponentExecutors executors;
  private ComponentExecutor executor;
  private final ComponentExecutor calls;

  private int failures;
  private Instant failingSince;
  private volatile Instant downSince;
  private volatile String reason;
  private volatile Instant aliveSince;
  private volatile Instant answeringSince;

  public ApiLiveness(
      KubernetesClient client,
      SightProperties properties,
      Clock clock,
      ComponentExecutors executors) {
    this.client = client;
    this.properties = properties;
    this.clock = clock;
    this.aliveSince = clock.instant();
    this.executors = executors;
    this.calls = executors.elastic("api-probe");
  }

  @Override
  public void afterPropertiesSet() {
    executor = executors.single("api-liveness");
    Duration interval = properties.probeInterval();
    executor.scheduleWithFixedDelay(this::probe, interval, interval);
  }

  @Override
  public void destroy() {
    if (executor != null) {
      executor.closeNow();
    }
    calls.closeNow();
  }

  /** Since when the API server has not answered, if it is down now. */
  public Optional<Instant> downSince() {
    return Optional.ofNullable(downSince);
  }

  /** Why it counts as down (the last probe's failure), if it does. */
  public Optional<String> downReason() {
    return downSince == null ? Optional.empty() : Optional.ofNullable(reason);
  }

  /** Since when the API server has answered every probe (the agent's start at first). */
  public Optional<Instant> aliveSince() {
    return downSince == null ? Optional.ofNullable(aliveSince) : Optional.empty();
  }

  /**
   * Since when every probe has been answered (not one failed since), if the last one was: stricter
   * than {@link #aliveSince}, which a single failure does not end.
   */
  public Optional<Instant> answeringSince() {
    return Optional.ofNullable(answeringSince);
  }

  /**
   * One probe now (on the prober's thread): a read-only GET through the client (its credentials),
   * on a helper thread so that it is given up after the timeout whatever the client's own request
   * timeout is.
   */
  void probe() {
    Duration timeout = properties.probeTimeout();
    String path = properties.probePath();
    String url = client.getMasterUrl().toString().replaceAll("/+$", "") + path;
    Future<String> answer = calls.submit(() -> client.raw(url));
    try {
      answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      record(true, "GET " + path + " answered");
    } catch (TimeoutException e) {
      answer.cancel(true);
      record(false, "GET " + path + " not answered within " + timeout);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      int code = cause instanceof KubernetesClientException k ? k.getCode() : 0;
      if (code > 0 && code < 500) {
        record(true, "GET " + path + " answered " + code);
      } else {
        record(false, "GET " + path + " failed: " + cause.getMessage());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      record(false, "GET " + path + " failed: " + e.getMessage());
    }
  }

  /** Takes the outcome of one probe. */
  synchronized void record(boolean answered, String detail) {
    Instant now = clock.instant();
    if (answered) {
      if (failures > 0 || answeringSince == null) {
        answeringSince = now;
      }
      if (downSince != null) {
        log.info(
            "API server {} answers again after {} ({})",
            client.getMasterUrl(),
            Duration.between(downSince, now),
            detail);
        aliveSince = now;
      }
      failures = 0;
      failingSince = null;
      downSince = null;
      reason = null;
      return;
    }
    answeringSince = null;
    if (failures == 0) {
      failingSince = now;
    }
    failures++;
    reason = "API server not answering: " + detail;
    if (downSince == null && failures >= properties.probeFailures()) {
      downSince = failingSince;
      log.warn(
          "API server {} is not answering ({} probes in a row since {}): {}",
          client.getMasterUrl(),
          failures,
          failingSince,
          detail);
    }
  }
}
