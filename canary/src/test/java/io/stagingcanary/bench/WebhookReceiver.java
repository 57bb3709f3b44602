package io.stagingcanary.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A WireMock server on loopback as the agent's generic webhook channel ({@code
 * canary.alerts.webhooks[0].url}): answers 200 to everything and remembers when the first firing
 * message of each incident arrived (stamped by a request listener as the request is received).
 */
final class WebhookReceiver implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final WireMockServer server;
  private final Map<String, Instant> firstFiring = new ConcurrentHashMap<>();
  private final Map<String, String> alertnames = new ConcurrentHashMap<>();

  private WebhookReceiver(WireMockServer server) {
    this.server = server;
  }

  static WebhookReceiver start() {
    WireMockServer server =
        new WireMockServer(
            options().bindAddress("127.0.0.1").dynamicPort().containerThreads(8).jettyAcceptors(1));
    WebhookReceiver receiver = new WebhookReceiver(server);
    server.addMockServiceRequestListener(
        (request, response) -> receiver.received(Instant.now(), request.getBodyAsString()));
    server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
    server.start();
    return receiver;
  }

  private void received(Instant at, String body) {
    try {
      JsonNode message = JSON.readTree(body);
      if (!"firing".equals(message.path("status").asText())) {
        return;
      }
      String incident = message.path("incident").asText("");
      if (!incident.isEmpty() && firstFiring.putIfAbsent(incident, at) == null) {
        alertnames.put(incident, message.path("alertname").asText());
      }
      for (JsonNode merged : message.path("incidents")) {
        firstFiring.putIfAbsent(merged.asText(), at);
      }
    } catch (IOException | RuntimeException e) {
      // Not an alert body (the agent sends nothing else): ignore it.
    }
  }

  String url() {
    return "http://127.0.0.1:" + server.port() + "/hooks/canary";
  }

  /** When the first firing message naming the incident arrived, if it has. */
  Optional<Instant> firing(String incident) {
    return Optional.ofNullable(firstFiring.get(incident));
  }

  /** Waits until the incident's firing message arrived, at most {@code timeout}. */
  Optional<Instant> awaitFiring(String incident, Duration timeout) throws InterruptedException {
    Instant until = Instant.now().plus(timeout);
    while (Instant.now().isBefore(until)) {
      Optional<Instant> at = firing(incident);
      if (at.isPresent()) {
        return at;
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
    return firing(incident);
  }

  String alertname(String incident) {
    return alertnames.getOrDefault(incident, "?");
  }

  @Override
  public void close() {
    server.stop();
  }
}
