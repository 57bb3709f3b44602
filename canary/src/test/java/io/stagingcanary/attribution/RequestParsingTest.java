package io.stagingcanary.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.incident.ItemAttribution.Source;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class RequestParsingTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

  @Test
  void anAdmissionDeleteOfASecretKeepsWhoAndWhichObjectButNothingOfItsData() {
    JsonNode review =
        JSON.readTree(
            """
            {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
              "uid":"705ab4f5","operation":"DELETE","name":"creds","namespace":"canary-acme",
              "kind":{"group":"","version":"v1","kind":"Secret"},
              "resource":{"group":"","version":"v1","resource":"secrets"},
              "userInfo":{"username":"alice","groups":["staff","system:authenticated"],
                          "extra":{"scopes.example.com":["a","b"]}},
              "dryRun":false,
              "oldObject":{"kind":"Secret","metadata":{"name":"creds","uid":"s-uid",
                 "ownerReferences":[{"uid":"owner-uid","kind":"Deployment","name":"web"}]},
                 "data":{"password":"c2VjcmV0"},"stringData":{"token":"top-secret"}}}}
            """);

    ObservedRequest request = RequestParsing.admission(review, NOW).orElseThrow();

    assertThat(request.source()).isEqualTo(Source.ADMISSION);
    assertThat(request.verb()).isEqualTo("delete");
    assertThat(request.kind()).isEqualTo("Secret");
    assertThat(request.resource()).isEqualTo("secrets");
    assertThat(request.namespace()).isEqualTo("canary-acme");
    assertThat(request.uid()).isEqualTo("s-uid");
    assertThat(request.ownerUids()).containsExactly("owner-uid");
    assertThat(request.username()).isEqualTo("alice");
    assertThat(request.groups()).containsExactly("staff", "system:authenticated");
    assertThat(request.extra()).containsEntry("scopes.example.com", List.of("a", "b"));
    assertThat(request.at()).isEqualTo(NOW);
    assertThat(request.toString()).doesNotContain("c2VjcmV0").doesNotContain("top-secret");
    assertThat(RequestParsing.admissionUid(review)).isEqualTo("705ab4f5");
  }

  @Test
  void aNamespacesOwnRequestIsClusterScoped() {
    JsonNode review =
        JSON.readTree(
            """
            {"request":{"uid":"1","operation":"DELETE","name":"canary-acme",
              "namespace":"canary-acme","kind":{"group":"","version":"v1","kind":"Namespace"},
              "resource":{"group":"","version":"v1","resource":"namespaces"},
              "userInfo":{"username":"alice"}}}
            """);

    ObservedRequest request = RequestParsing.admission(review, NOW).orElseThrow();

    assertThat(request.namespace()).isEmpty();
    assertThat(
            AttributionMatcher.sameObject(
                request,
                io.stagingcanary.diff.ResourceKey.clusterScoped("v1", "Namespace", "canary-acme"),
                null))
        .isTrue();
  }

  @Test
  void createsConnectsAndSubresourcesAreNotRecorded() {
    for (String request :
        List.of(
            "{\"uid\":\"1\",\"operation\":\"CREATE\",\"name\":\"x\"}",
            "{\"uid\":\"1\",\"operation\":\"UPDATE\",\"name\":\"x\",\"subResource\":\"status\"}",
            "{\"uid\":\"1\"}")) {
      JsonNode review = JSON.readTree("{\"request\":" + request + "}");
      assertThat(RequestParsing.admission(review, NOW)).as(request).isEmpty();
    }
  }

  @Test
  void anAuditBatchKeepsCompletedSuccessfulChangesAndNamesTheImpersonatedUser() {
    JsonNode batch =
        JSON.readTree(
            """
            {"apiVersion":"audit.k8s.io/v1","kind":"EventList","items":[
              {"stage":"ResponseComplete","verb":"delete","auditID":"a1",
               "user":{"username":"admin","groups":["system:masters"]},
               "impersonatedUser":{"username":"alice","groups":["staff"]},
               "sourceIPs":["10.0.0.7"],"userAgent":"kubectl/v1.37.1",
               "objectRef":{"resource":"namespaces","name":"canary-acme","apiVersion":"v1"},
               "responseStatus":{"code":200},
               "requestReceivedTimestamp":"2026-12-03T09:59:58.123456Z"},
              {"stage":"ResponseStarted","verb":"delete",
               "objectRef":{"resource":"namespaces","name":"canary-acme"}},
              {"stage":"ResponseComplete","verb":"get","user":{"username":"x"},
               "objectRef":{"resource":"namespaces","name":"canary-acme"},
               "requestReceivedTimestamp":"2026-12-03T09:59:58Z"},
              {"stage":"ResponseComplete","verb":"delete","user":{"username":"denied"},
               "objectRef":{"resource":"configmaps","namespace":"a","name":"b"},
               "responseStatus":{"code":403},
               "requestReceivedTimestamp":"2026-12-03T09:59:58Z"}]}
            """);

    List<ObservedRequest> requests = RequestParsing.audit(batch);

    assertThat(requests).hasSize(1);
    ObservedRequest delete = requests.get(0);
    assertThat(delete.source()).isEqualTo(Source.AUDIT);
    assertThat(delete.username()).isEqualTo("alice");
    assertThat(delete.groups()).containsExactly("staff");
    assertThat(delete.userAgent()).isEqualTo("kubectl/v1.37.1");
    assertThat(delete.sourceIps()).containsExactly("10.0.0.7");
    assertThat(delete.resource()).isEqualTo("namespaces");
    assertThat(delete.kind()).isNull();
    assertThat(delete.at()).isEqualTo(Instant.parse("2026-12-03T09:59:58.123456Z"));
  }
}
