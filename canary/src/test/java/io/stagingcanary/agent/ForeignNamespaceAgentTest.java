package io.stagingcanary.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.cluster.Kinds;
import io.stagingcanary.fixtures.FixtureCatalog;
import io.stagingcanary.fixtures.KindSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole agent on the sandbox: a tenant namespace is deleted, someone else creates a namespace
 * of the same name (unlabelled, or with a forged sentinel label), and the incident's re-seed runs.
 * Nothing is written into the foreign namespace, the sentinel namespace is REPLACED in the sentinel
 * view, its contents stay MISSING in the open incident, and the ledger keeps the uids the canary
 * seeded (nothing adopted).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sandbox")
class ForeignNamespaceAgentTest {

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("canary.data-dir", () -> dataDir.toString());
    registry.add("canary.sandbox.port", () -> "0");
    registry.add("canary.fixtures.path", () -> "../fixtures");
    registry.add("canary.reseed.mode", () -> "manual");
    // Wide enough that every deletion of the namespace lands in one incident on a loaded machine
    // (at 500ms a late Deployment watch event once opened a second incident in CI).
    registry.add("canary.incidents.group-window", () -> "3s");
  }

  @LocalServerPort int port;
  @Autowired KubernetesClient client;
  @Autowired FixtureCatalog fixtures;

  @ParameterizedTest(name = "{0} (forged sentinel label: {2})")
  @CsvSource({"canary-initech, initech, false", "canary-hooli, hooli, true"})
  void aForeignNamespaceInPlaceOfALostOneGetsNothingAndIsReplaced(
      String namespace, String tenant, boolean forged) throws Exception {
    Map<String, JsonNode> seeded = sentinelsIn(namespace);
    String seededUid = seeded.get("Namespace/" + namespace).get("uid").asText();
    assertThat(seeded.values())
        .allSatisfy(s -> assertThat(s.get("state").asText()).isEqualTo("PRESENT"));

    client.namespaces().withName(namespace).delete();
    String incident = awaitSealedIncidentWith(namespace, seeded.size());
    Namespace foreign = createForeign(namespace, tenant, forged);
    client
        .configMaps()
        .inNamespace(namespace)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("their-config")
                .endMetadata()
                .addToData("value", "precious")
                .build())
        .create();
    Map<String, String> before = everything(namespace);

    AgentHttp.Response reseeded = http().post("/api/v1/incidents/" + incident + "/reseed", token());

    assertThat(reseeded.status()).isEqualTo(200);
    String foreignUid = foreign.getMetadata().getUid();
    for (JsonNode outcome : reseeded.json().get("reseeded")) {
      String result = outcome.get("result").asText();
      String detail = outcome.get("detail").asText();
      if (outcome.get("sentinel").asText().startsWith("v1/Namespace/")) {
        assertThat(result).isEqualTo("CONFLICT");
      } else {
        assertThat(result).as(outcome.toString()).isEqualTo("REFUSED");
        assertThat(detail)
            .contains("namespace " + namespace + " (uid " + foreignUid + ")")
            .contains("replaced by someone else's");
      }
    }
    assertThat(everything(namespace))
        .as("nothing written into the foreign namespace")
        .isEqualTo(before);

    Map<String, JsonNode> now = sentinelsIn(namespace);
    JsonNode ns = now.get("Namespace/" + namespace);
    assertThat(ns.get("state").asText()).isEqualTo("REPLACED");
    assertThat(ns.get("uid").asText()).as("not adopted").isEqualTo(seededUid);
    assertThat(now.values())
        .filteredOn(s -> !s.get("kind").asText().equals("Namespace"))
        .hasSize(seeded.size() - 1)
        .allSatisfy(
            s -> {
              assertThat(s.get("state").asText()).isEqualTo("MISSING");
              assertThat(s.get("generation").asInt()).as("not re-seeded").isEqualTo(1);
            });
    JsonNode stored = http().get("/api/v1/incidents/" + incident).json();
    assertThat(stored.get("status").asText()).isEqualTo("open");
    assertThat(stored.hasNonNull("resolvedAt")).isFalse();
    Map<String, String> items = new TreeMap<>();
    stored
        .get("items")
        .forEach(i -> items.put(i.get("key").get("kind").asText(), i.get("status").asText()));
    assertThat(items).containsEntry("Namespace", "REPLACED").containsEntry("ConfigMap", "MISSING");
    assertThat(http().get("/api/v1/status").json().get("state").asText()).isEqualTo("LOSS");
  }

  private Namespace createForeign(String name, String tenant, boolean forged) {
    NamespaceBuilder namespace =
        new NamespaceBuilder()
            .withNewMetadata()
            .withName(name)
            .addToLabels("team", "someone-else")
            .endMetadata();
    if (forged) {
      namespace
          .editMetadata()
          .addToLabels("stagingcanary.io/sentinel", "true")
          .addToLabels("stagingcanary.io/set", "sandbox")
          .addToLabels("stagingcanary.io/tenant", tenant)
          .endMetadata();
    }
    return client.namespaces().resource(namespace.build()).create();
  }

  /** {@code kind/name -> uid@resourceVersion} of every object of the set's kinds in it. */
  private Map<String, String> everything(String namespace) {
    Set<KindSpec> kinds = new LinkedHashSet<>();
    fixtures.sets().forEach(set -> kinds.addAll(set.kinds()));
    Map<String, String> all = new TreeMap<>();
    for (KindSpec kind : kinds) {
      if (!kind.namespaced()) {
        continue;
      }
      List<GenericKubernetesResource> items =
          client
              .genericKubernetesResources(Kinds.context(kind))
              .inNamespace(namespace)
              .list()
              .getItems();
      for (GenericKubernetesResource item : items) {
        all.put(
            kind.kind() + "/" + item.getMetadata().getName(),
            item.getMetadata().getUid() + "@" + item.getMetadata().getResourceVersion());
      }
    }
    return all;
  }

  /** The sentinel view of a namespace and everything in it, by {@code kind/name}. */
  private Map<String, JsonNode> sentinelsIn(String namespace) {
    Map<String, JsonNode> found = new TreeMap<>();
    StreamSupport.stream(http().get("/api/v1/sentinels").json().spliterator(), false)
        .filter(
            s ->
                namespace.equals(s.path("namespace").asText())
                    || (s.get("kind").asText().equals("Namespace")
                        && s.get("name").asText().equals(namespace)))
        .forEach(s -> found.put(s.get("kind").asText() + "/" + s.get("name").asText(), s));
    return found;
  }

  /** The sealed incident that holds the namespace and all {@code sentinels} lost with it. */
  private String awaitSealedIncidentWith(String namespace, int sentinels) {
    String[] id = new String[1];
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              for (JsonNode incident : http().get("/api/v1/incidents").json()) {
                boolean holdsNamespace = false;
                int inNamespace = 0;
                for (JsonNode item : incident.get("items")) {
                  JsonNode key = item.get("key");
                  boolean isNamespace =
                      key.get("kind").asText().equals("Namespace")
                          && key.get("name").asText().equals(namespace);
                  holdsNamespace |= isNamespace;
                  if (isNamespace || namespace.equals(key.path("namespace").asText())) {
                    inNamespace++;
                  }
                }
                if (holdsNamespace && inNamespace == sentinels && incident.hasNonNull("sealedAt")) {
                  id[0] = incident.get("id").asText();
                  return true;
                }
              }
              return false;
            });
    return id[0];
  }

  private AgentHttp http() {
    return new AgentHttp(port);
  }

  private String token() throws Exception {
    return Files.readString(dataDir.resolve("api-token")).strip();
  }
}
