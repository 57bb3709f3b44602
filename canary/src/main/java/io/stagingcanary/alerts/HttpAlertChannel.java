package io.stagingcanary.alerts;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A channel that POSTs a JSON body to a receiver. */
abstract class HttpAlertChannel implements AlertChannel {

  private static final int MAX_ANSWER = 2000;

  private final String name;
  private final URI uri;
  private final HttpClient http;
  private final Duration timeout;

  HttpAlertChannel(String name, URI uri, HttpClient http, Duration timeout) {
    this.name = name;
    this.uri = uri;
    this.http = http;
    this.timeout = timeout;
  }

  /** The request body for this alert. */
  abstract String body(Alert alert, Instant now);

  /** Extra headers (signatures, idempotency keys). */
  Map<String, String> headers(String body, String idempotencyKey) {
    return Map.of();
  }

  @Override
  public String name() {
    return name;
  }

  URI uri() {
    return uri;
  }

  @Override
  public CompletableFuture<Void> deliver(Alert alert, String idempotencyKey, Instant now) {
    String body = body(alert, now);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            // the per-channel time limiter decides; this only frees the connection afterwards
            .timeout(timeout.plusSeconds(1))
            .header("Content-Type", "application/json")
            .header("User-Agent", "staging-canary")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers(body, idempotencyKey).forEach(request::header);
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
        .handle(
            (response, error) -> {
              if (error != null) {
                throw DeliveryException.transientFailure(
                    "cannot reach " + type() + " receiver: " + describe(error));
              }
              check(response);
              return null;
            });
  }

  /** 2xx delivered; 408, 429 and 5xx retried; any other answer refused for good. */
  static void check(HttpResponse<String> response) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return;
    }
    String answer = "HTTP " + status + ": " + shorten(response.body());
    if (status == 408 || status == 429 || status >= 500) {
      throw DeliveryException.transientFailure(answer);
    }
    throw DeliveryException.rejected(answer);
  }

  private static String describe(Throwable error) {
    Throwable cause = error.getCause() != null ? error.getCause() : error;
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static String shorten(String body) {
    if (body == null) {
      return "";
    }
    String trimmed = body.strip();
    return trimmed.length() <= MAX_ANSWER ? trimmed : trimmed.substring(0, MAX_ANSWER) + "...";
  }
}
