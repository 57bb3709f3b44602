package io.stagingcanary.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.config.PropertiesBinding;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code canary.attribution.*} binds with its documented defaults and refuses what cannot work. */
class AttributionPropertiesTest {

  @EnableConfigurationProperties(AttributionProperties.class)
  static class Config {}

  private final ApplicationContextRunner runner = PropertiesBinding.of(Config.class);

  @Test
  void defaultsAreTheDocumentedOnes() {
    runner.run(
        context -> {
          AttributionProperties p = context.getBean(AttributionProperties.class);
          assertThat(p.retention()).isEqualTo(Duration.ofHours(24));
          assertThat(p.maxRecords()).isEqualTo(100_000);
          assertThat(p.matchWindow()).isEqualTo(Duration.ofMinutes(10));
          assertThat(p.pendingFor()).isEqualTo(Duration.ofMinutes(2));
          assertThat(p.controllerUsernames())
              .contains("system:serviceaccount:kube-system:namespace-controller");
          assertThat(p.admission().enabled()).isFalse();
          assertThat(p.admission().port()).isEqualTo(8443);
          assertThat(p.audit().enabled()).isFalse();
          assertThat(p.anyObserver()).isFalse();
        });
  }

  @Test
  void bindsEverySetting() {
    runner
        .withPropertyValues(
            "canary.attribution.retention=2h",
            "canary.attribution.max-records=500",
            "canary.attribution.match-window=1m",
            "canary.attribution.pending-for=30s",
            "canary.attribution.controller-usernames=kcm",
            "canary.attribution.admission.enabled=true",
            "canary.attribution.admission.port=9443",
            "canary.attribution.admission.tls.certificate=/tls/tls.crt",
            "canary.attribution.admission.tls.private-key=/tls/tls.key",
            "canary.attribution.admission.tls.client-ca=/tls/ca.crt",
            "canary.attribution.audit.enabled=true")
        .run(
            context -> {
              AttributionProperties p = context.getBean(AttributionProperties.class);
              assertThat(p.retention()).isEqualTo(Duration.ofHours(2));
              assertThat(p.maxRecords()).isEqualTo(500);
              assertThat(p.matchWindow()).isEqualTo(Duration.ofMinutes(1));
              assertThat(p.pendingFor()).isEqualTo(Duration.ofSeconds(30));
              assertThat(p.controllerUsernames()).containsExactly("kcm");
              assertThat(p.admission().port()).isEqualTo(9443);
              assertThat(p.admission().tls().certificate()).isEqualTo(Path.of("/tls/tls.crt"));
              assertThat(p.admission().tls().privateKey()).isEqualTo(Path.of("/tls/tls.key"));
              assertThat(p.admission().tls().clientCa()).isEqualTo(Path.of("/tls/ca.crt"));
              assertThat(p.anyObserver()).isTrue();
            });
  }

  @Test
  void theAdmissionObserverWithoutACertificateStopsStartupNamingTheProperty() {
    runner
        .withPropertyValues("canary.attribution.admission.enabled=true")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("canary.attribution.admission.tls"));
  }

  @Test
  void tooFewRecordsAreRefused() {
    runner
        .withPropertyValues("canary.attribution.max-records=10")
        .run(
            context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("maxRecords"));
  }
}
