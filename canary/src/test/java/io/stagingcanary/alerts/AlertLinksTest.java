package io.stagingcanary.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Alerts carry the on-call page; JSON payloads derive the API link from it. */
class AlertLinksTest {

  static final String BASE = "https://canary.example.com";

  @Test
  void theLinkIsThePageAndTheApiLinkIsTheSameSubjectInTheApi() {
    Alert loss = TestAlerts.firing("inc-20261122-100000-a1b2");
    assertThat(loss.link()).isEqualTo(BASE + "/incidents/inc-20261122-100000-a1b2");
    assertThat(loss.apiLink()).isEqualTo(BASE + "/api/v1/incidents/inc-20261122-100000-a1b2");

    assertThat(Alert.runPage(BASE, "run-1")).isEqualTo(BASE + "/runs/run-1");
    assertThat(Alert.overviewPage(BASE)).isEqualTo(BASE + "/");
  }

  @Test
  void aBaseUrlWithAPathKeepsItAndAnAlertStoredBeforeThePagesKeepsItsApiLink() {
    Alert behindAPath =
        withLink(
            TestAlerts.firing("inc-1"), Alert.runPage("https://ops.example.com/canary", "r-9"));
    assertThat(behindAPath.apiLink()).isEqualTo("https://ops.example.com/canary/api/v1/runs/r-9");

    Alert blind = withLink(TestAlerts.firing("blind-1"), Alert.overviewPage(BASE));
    assertThat(blind.apiLink()).isEqualTo(BASE + "/api/v1/status");

    String stored = BASE + "/api/v1/incidents/inc-1";
    assertThat(withLink(TestAlerts.firing("inc-1"), stored).apiLink()).isEqualTo(stored);
  }

  private static Alert withLink(Alert a, String link) {
    return new Alert(
        a.id(),
        a.name(),
        a.status(),
        a.severity(),
        a.clusterName(),
        a.clusterId(),
        a.subject(),
        a.sets(),
        a.summary(),
        a.counts(),
        a.text(),
        a.diffJson(),
        link,
        a.startsAt(),
        a.endsAt(),
        a.labels(),
        a.incidents());
  }
}
