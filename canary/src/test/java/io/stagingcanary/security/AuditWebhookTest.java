package io.stagingcanary.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The audit webhook receiver takes batches only with an API token: a forged batch that blames
 * someone for deleting a sentinel namespace is refused without one and records nothing; the same
 * batch with the token is recorded (so the refusal is not an accident of the batch).
 */
class AuditWebhookTest extends SandboxApi {

  private static final String FORGED =
      """
      {"apiVersion":"audit.k8s.io/v1","kind":"EventList","items":[
        {"stage":"ResponseComplete","verb":"delete","auditID":"forged-1",
         "user":{"username":"mallory","groups":["system:authenticated"]},
         "objectRef":{"resource":"namespaces","name":"canary-acme","apiVersion":"v1"},
         "responseStatus":{"code":200},
         "requestReceivedTimestamp":"2026-12-03T09:59:58Z"}]}
      """;

  @Autowired DataSource dataSource;

  @Test
  void aForgedAuditBatchWithoutTheTokenIsRefusedAndChangesNothing() {
    long before = records();

    for (String token : new String[] {null, "forged-token"}) {
      RawHttp.Response refused =
          http().send("POST", "/api/v1/audit/events", token, FORGED, Map.of());
      assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
      assertThat(refused.isProblem()).isTrue();
      // Also in another spelling of the path.
      assertThat(http().send("POST", "/api;x/v1/audit/events", token, FORGED, Map.of()).status())
          .isEqualTo(401);
    }
    assertThat(records()).isEqualTo(before);

    await("the sandbox's ledger is seeded; with the token the batch is recorded")
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              RawHttp.Response accepted =
                  http().send("POST", "/api/v1/audit/events", token(), FORGED, Map.of());
              assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
              assertThat(records()).isGreaterThan(before);
            });
    assertThat(
            JdbcClient.create(dataSource)
                .sql("SELECT username FROM attribution_record WHERE request_id = 'forged-1'")
                .query(String.class)
                .list())
        .contains("mallory");
  }

  @Test
  void theAdmissionPathIsNotServedOnTheMainPort() {
    assertThat(http().send("POST", "/admission/v1/observe", null, "{}", Map.of()).status())
        .isEqualTo(404);
  }

  private long records() {
    return JdbcClient.create(dataSource)
        .sql("SELECT COUNT(*) FROM attribution_record")
        .query(Long.class)
        .single();
  }
}
