package io.stagingcanary.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The sandbox started with {@code canary.fixtures.sets=openshift-online} seeds every tenant. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sandbox")
class OpenShiftOnlineSandboxTest {

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("canary.data-dir", () -> dataDir.toString());
    registry.add("canary.sandbox.port", () -> "0");
    registry.add("canary.fixtures.path", () -> "../fixtures");
    registry.add("canary.fixtures.sets", () -> "openshift-online");
  }

  @LocalServerPort int port;
  @Autowired KubernetesClient client;

  @Test
  void seedsEveryOpenShiftTenantAndReportsHealthy() {
    AgentHttp http = new AgentHttp(port);
    JsonNode status = http.get("/api/v1/status").json();
    assertThat(status.get("state").asText()).isEqualTo("HEALTHY");
    assertThat(status.get("expected").asInt()).isEqualTo(80);
    assertThat(status.get("present").asInt()).isEqualTo(80);

    List<String> kinds =
        StreamSupport.stream(http.get("/api/v1/sentinels").json().spliterator(), false)
            .map(s -> s.get("kind").asText())
            .distinct()
            .toList();
    assertThat(kinds)
        .contains("User", "Identity", "Project", "DeploymentConfig", "BuildConfig", "Route");

    GenericKubernetesResource project =
        client
            .genericKubernetesResources(
                new ResourceDefinitionContext.Builder()
                    .withGroup("project.openshift.io")
                    .withVersion("v1")
                    .withKind("Project")
                    .withPlural("projects")
                    .withNamespaced(false)
                    .build())
            .withName("canary-wayne")
            .get();
    assertThat(project.getMetadata().getAnnotations())
        .containsEntry("openshift.io/requester", "bruce");
    assertThat(project.getMetadata().getLabels())
        .containsEntry("tier", "pro")
        .containsEntry("purchased", "true")
        .containsEntry("stagingcanary.io/set", "openshift-online");
  }
}
