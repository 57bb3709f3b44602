package io.stagingcanary.alerts;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code canary.alerts.*}: the channels (any number of each) and how alerts are delivered. Secrets
 * come from the property (an environment variable such as {@code CANARY_ALERTS_SLACK_0_URL} binds
 * to it) or from a file ({@code *-file}). See docs/alerts.md.
 */
@Validated
@ConfigurationProperties("canary.alerts")
public record AlertsProperties(
    List<@Valid Alertmanager> alertmanager,
    List<@Valid Slack> slack,
    List<@Valid PagerDuty> pagerduty,
    List<@Valid Webhook> webhooks,
    @Valid @NotNull @DefaultValue Log log,
    @NotNull @DefaultValue("5m") Duration blindGrace,
    @NotNull @DefaultValue("1m") Duration resendInterval,
    @Pattern(regexp = RUNBOOK_URL, message = "must be an http(s) URL without a #fragment")
        @DefaultValue(DEFAULT_RUNBOOK)
        String runbookUrl,
    @NotNull @DefaultValue("5m") Duration holdForVerdict,
    @Valid @NotNull @DefaultValue Delivery delivery) {

  static final String URL = "https?://[^\\s]+";
  static final String URL_MESSAGE = "must be an http(s) URL";
  static final String RUNBOOK_URL = "https?://[^\\s#]+";

  /** The runbook of this version; every alert links its own section ({@code #<alertname>}). */
  public static final String DEFAULT_RUNBOOK =
      "https://github.com/staging-canary/staging-canary/blob/main/docs/runbook.md";

  public AlertsProperties {
    alertmanager = alertmanager == null ? List.of() : List.copyOf(alertmanager);
    slack = slack == null ? List.of() : List.copyOf(slack);
    pagerduty = pagerduty == null ? List.of() : List.copyOf(pagerduty);
    webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
  }

  @AssertTrue(message = "must be at least 1s")
  public boolean isResendIntervalValid() {
    return resendInterval == null || resendInterval.compareTo(Duration.ofSeconds(1)) >= 0;
  }

  @AssertTrue(message = "must not be negative")
  public boolean isHoldForVerdictValid() {
    return holdForVerdict == null || !holdForVerdict.isNegative();
  }

  @AssertTrue(message = "must not be negative")
  public boolean isBlindGraceValid() {
    return blindGrace == null || !blindGrace.isNegative();
  }

  /** An Alertmanager (API v2); alerts are posted to {@code {url}/api/v2/alerts}. */
  public record Alertmanager(
      String name,
      @DefaultValue("true") boolean enabled,
      @NotBlank @Pattern(regexp = URL, message = URL_MESSAGE) String url) {}

  /** A Slack incoming webhook; the URL is a secret: {@code url} or {@code url-file}. */
  public record Slack(
      String name,
      @DefaultValue("true") boolean enabled,
      @Pattern(regexp = URL, message = URL_MESSAGE) String url,
      Path urlFile) {

    @AssertTrue(message = "set url or url-file")
    public boolean isUrlSet() {
      return (url != null && !url.isBlank()) || urlFile != null;
    }
  }

  /** PagerDuty Events API v2; the routing key is a secret: {@code routing-key} or its file. */
  public record PagerDuty(
      String name,
      @DefaultValue("true") boolean enabled,
      @NotBlank
          @Pattern(regexp = URL, message = URL_MESSAGE)
          @DefaultValue("https://events.pagerduty.com/v2/enqueue")
          String url,
      String routingKey,
      Path routingKeyFile) {

    @AssertTrue(message = "set routing-key or routing-key-file")
    public boolean isRoutingKeySet() {
      return (routingKey != null && !routingKey.isBlank()) || routingKeyFile != null;
    }
  }

  /** A generic webhook; with a secret (or secret file) every body is signed (HMAC-SHA256). */
  public record Webhook(
      String name,
      @DefaultValue("true") boolean enabled,
      @NotBlank @Pattern(regexp = URL, message = URL_MESSAGE) String url,
      String secret,
      Path secretFile) {}

  /** The agent's own log, as a channel. */
  public record Log(@DefaultValue("false") boolean enabled) {}

  /** Retries, circuit breaker and time limit, applied per channel. */
  public record Delivery(
      @Min(1) @Max(20) @DefaultValue("4") int maxAttempts,
      @NotNull @DefaultValue("500ms") Duration initialBackoff,
      @NotNull @DefaultValue("5m") Duration maxBackoff,
      @NotNull @DefaultValue("10s") Duration timeout,
      @NotNull @DefaultValue("1s") Duration pollInterval,
      @NotNull @DefaultValue("30s") Duration circuitOpenFor) {

    @AssertTrue(message = "initial-backoff, timeout and poll-interval must be positive")
    public boolean isPositive() {
      return initialBackoff == null
          || timeout == null
          || pollInterval == null
          || (positive(initialBackoff) && positive(timeout) && positive(pollInterval));
    }

    private static boolean positive(Duration d) {
      return !d.isZero() && !d.isNegative();
    }
  }
}
