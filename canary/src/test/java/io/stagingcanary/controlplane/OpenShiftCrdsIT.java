package io.stagingcanary.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The OpenShift kinds used by fixtures, served by a plain Kubernetes API server through the CRDs in
 * {@code src/test/resources/crds/openshift}.
 */
@RealControlPlane
class OpenShiftCrdsIT {

  private static final String LABEL = "stagingcanary.io/sentinel";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static String ns;

  /** group, kind, plural, singular, namespaced, short names: what OpenShift serves. */
  record Kind(
      String group,
      String kind,
      String plural,
      String singular,
      boolean namespaced,
      List<String> shortNames) {

    ResourceDefinitionContext context() {
      return new ResourceDefinitionContext.Builder()
          .withGroup(group)
          .withVersion("v1")
          .withKind(kind)
          .withPlural(plural)
          .withNamespaced(namespaced)
          .build();
    }

    @Override
    public String toString() {
      return group + "/v1 " + kind;
    }
  }

  static Stream<Arguments> kinds() {
    return Stream.of(
            new Kind("user.openshift.io", "User", "users", "user", false, List.of()),
            new Kind("user.openshift.io", "Identity", "identities", "identity", false, List.of()),
            new Kind("user.openshift.io", "Group", "groups", "group", false, List.of()),
            new Kind("project.openshift.io", "Project", "projects", "project", false, List.of()),
            new Kind(
                "apps.openshift.io",
                "DeploymentConfig",
                "deploymentconfigs",
                "deploymentconfig",
                true,
                List.of("dc")),
            new Kind(
                "build.openshift.io",
                "BuildConfig",
                "buildconfigs",
                "buildconfig",
                true,
                List.of("bc")),
            new Kind(
                "image.openshift.io",
                "ImageStream",
                "imagestreams",
                "imagestream",
                true,
                List.of("is")),
            new Kind("route.openshift.io", "Route", "routes", "route", true, List.of()))
        .map(Arguments::of);
  }

  @BeforeAll
  static void installCrds(ControlPlane controlPlane) {
    List<CustomResourceDefinition> installed =
        controlPlane.installCrdsFromClasspath("crds/openshift");
    assertThat(installed).hasSize(8);
    ns = ControlPlane.uniqueName("openshift-crds");
    controlPlane
        .client()
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
  }

  @AfterAll
  static void deleteNamespace(KubernetesClient client) {
    client.namespaces().withName(ns).delete();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void isServedWithOpenShiftNamesAndScope(Kind kind, KubernetesClient client) {
    APIResource resource =
        client.getApiResources(kind.group() + "/v1").getResources().stream()
            .filter(r -> r.getName().equals(kind.plural()))
            .findFirst()
            .orElseThrow(() -> new AssertionError(kind + " is not served"));

    assertThat(resource.getKind()).isEqualTo(kind.kind());
    assertThat(resource.getSingularName()).isEqualTo(kind.singular());
    assertThat(resource.getNamespaced()).isEqualTo(kind.namespaced());
    assertThat(resource.getShortNames() == null ? List.of() : resource.getShortNames())
        .containsExactlyInAnyOrderElementsOf(kind.shortNames());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void createsGetsListsByLabelAndDeletes(Kind kind, KubernetesClient client) {
    String name = ControlPlane.uniqueName(kind.singular());
    String unlabelled = name + "-other";
    GenericKubernetesResource created =
        resources(client, kind).resource(object(kind, name, Map.of(LABEL, "true"))).create();
    resources(client, kind).resource(object(kind, unlabelled, Map.of())).create();

    assertThat(created.getMetadata().getUid()).isNotBlank();
    assertThat(created.getMetadata().getNamespace()).isEqualTo(kind.namespaced() ? ns : null);
    GenericKubernetesResource fetched = resources(client, kind).withName(name).get();
    assertThat(fetched.getKind()).isEqualTo(kind.kind());
    assertThat(fetched.getApiVersion()).isEqualTo(kind.group() + "/v1");
    assertThat(fetched.<String>get("spec", "note"))
        .as("unknown fields are preserved")
        .isEqualTo("fixture " + name);

    List<String> labelled =
        resources(client, kind).withLabel(LABEL, "true").list().getItems().stream()
            .map(r -> r.getMetadata().getName())
            .toList();
    assertThat(labelled).contains(name).doesNotContain(unlabelled);

    assertThat(resources(client, kind).withName(name).delete()).hasSize(1);
    resources(client, kind).withName(unlabelled).delete();
    await(kind + " " + name + " deleted")
        .atMost(TIMEOUT)
        .until(() -> resources(client, kind).withName(name).get() == null);
  }

  private static GenericKubernetesResource object(
      Kind kind, String name, Map<String, String> labels) {
    GenericKubernetesResource object =
        new GenericKubernetesResourceBuilder()
            .withApiVersion(kind.group() + "/v1")
            .withKind(kind.kind())
            .withNewMetadata()
            .withName(name)
            .withLabels(labels)
            .endMetadata()
            .build();
    object.setAdditionalProperty("spec", Map.of("note", "fixture " + name));
    return object;
  }

  private static NonNamespaceOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      resources(KubernetesClient client, Kind kind) {
    MixedOperation<
            GenericKubernetesResource,
            GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>>
        operation = client.genericKubernetesResources(kind.context());
    return kind.namespaced() ? operation.inNamespace(ns) : operation;
  }
}
