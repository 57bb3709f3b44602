package io.stagingcanary.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.sandbox.FaultyApiServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An informer that cannot watch while the API server answers is started afresh after {@code
 * relist-after}, but never while its first LIST since it started may still be running.
 */
class SentinelInformersRelistTest {

  static final KindSpec NAMESPACE = new KindSpec("v1", "Namespace", "namespaces", false);
  static final Duration RELIST_AFTER = Duration.ofSeconds(5);

  @Test
  void aFailingInformerIsStartedAfreshOnlyWhenItsTimeHasCome() {
    Instant t0 = Instant.parse("2026-12-03T08:00:00Z");
    io.stagingcanary.MutableClock clock = new io.stagingcanary.MutableClock(t0);
    try (FaultyApiServer api = FaultyApiServer.start(List.of(NAMESPACE));
        KubernetesClient client = api.direct();
        KubernetesClient viaProxy = clientOf(api)) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName("sentinel")
                  .addToLabels("stagingcanary.io/sentinel", "true")
                  .endMetadata()
                  .build())
          .create();
      api.answerEverything(400);
      SentinelInformers informers = new SentinelInformers(viaProxy, clock);
      try {
        informers.start(List.of(NAMESPACE), (key, seenAt) -> {});

        clock.advance(RELIST_AFTER.plusSeconds(1));
        assertThat(informers.restartStale(t0, RELIST_AFTER))
            .as("its first LIST may still be running")
            .isEmpty();

        clock.advance(SentinelInformers.FIRST_SYNC_GRACE);
        assertThat(informers.restartStale(t0, RELIST_AFTER)).containsExactly(NAMESPACE);
        assertThat(informers.restartStale(t0, RELIST_AFTER)).as("just started afresh").isEmpty();

        api.answerEverything(0);
        clock.advance(SentinelInformers.FIRST_SYNC_GRACE.plusSeconds(1));
        Instant aliveSince = clock.instant();
        assertThat(informers.restartStale(aliveSince, RELIST_AFTER))
            .as("the API server has answered for less than relist-after")
            .isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> informers.healthy(NAMESPACE));
        assertThat(informers.cached(NAMESPACE))
            .extracting(n -> n.getMetadata().getName())
            .containsExactly("sentinel");
        clock.advance(RELIST_AFTER.multipliedBy(2));
        assertThat(informers.restartStale(aliveSince, RELIST_AFTER))
            .as("a healthy informer is left alone")
            .isEmpty();
      } finally {
        informers.close();
      }
    }
  }

  private static KubernetesClient clientOf(FaultyApiServer api) {
    return new io.fabric8.kubernetes.client.KubernetesClientBuilder()
        .withConfig(
            new io.fabric8.kubernetes.client.ConfigBuilder(
                    io.fabric8.kubernetes.client.Config.empty())
                .withMasterUrl(api.url())
                .withRequestRetryBackoffLimit(0)
                .build())
        .build();
  }
}
