package io.stagingcanary.demo.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stagingcanary.cluster.Kinds;
import io.stagingcanary.demo.prune.PruneUsers.Mode;
import io.stagingcanary.demo.prune.PruneUsers.Result;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.fixtures.FixtureLoader;
import io.stagingcanary.fixtures.SentinelFixture;
import io.stagingcanary.fixtures.SentinelSet;
import io.stagingcanary.sandbox.SandboxCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both versions of the prune tool against the openshift-online set on the sandbox API server. */
class PruneUsersTest {

  private static final SentinelSet SET =
      new FixtureLoader().load(Path.of("..", "fixtures"), List.of("openshift-online")).get(0);
  private static final Set<String> BAIT = Set.of("vandelay", "dunder");

  private SandboxCluster sandbox;
  private KubernetesClient client;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();

  @BeforeEach
  void seedTheSet() {
    sandbox = SandboxCluster.start("127.0.0.1", 0, SET.kinds());
    client = sandbox.newClient();
    for (SentinelFixture sentinel : SET.sentinelsInSeedingOrder()) {
      GenericKubernetesResource body =
          Serialization.unmarshal(
              Serialization.asJson(sentinel.manifest()), GenericKubernetesResource.class);
      var resources = client.genericKubernetesResources(Kinds.context(sentinel.kindSpec()));
      if (sentinel.kindSpec().namespaced()) {
        resources.inNamespace(sentinel.key().namespace()).resource(body).create();
      } else {
        resources.resource(body).create();
      }
    }
  }

  @AfterEach
  void stop() {
    client.close();
    sandbox.close();
  }

  @Test
  void fixedRemovesExactlyTheUnpaidTenantsUsersProjectsAndWhatIsInThem() {
    Result result = tool().run(Mode.FIXED, PruneUsers.DEFAULT_SELECTOR, false);

    assertThat(result.users()).containsExactlyInAnyOrder("art", "michael");
    assertThat(result.projects()).containsExactlyInAnyOrder("canary-vandelay", "canary-dunder");
    assertThat(result.deleted())
        .contains(
            "User art",
            "Identity canary-htpasswd:art",
            "Project canary-vandelay",
            "Namespace canary-vandelay");
    assertThat(surviving()).isEqualTo(tenantsOtherThan(BAIT));
    assertThat(missingTenants()).isEqualTo(BAIT);
  }

  @Test
  void flawedRemovesPayingTenantsUsersProjectsAndEverythingInThem() {
    Result result = tool().run(Mode.FLAWED, PruneUsers.DEFAULT_SELECTOR, false);

    assertThat(result.users()).contains("bruce", "tony", "art");
    assertThat(result.projects()).contains("canary-wayne", "canary-stark");
    assertThat(missingTenants()).contains("wayne", "stark", "pied-piper", "soylent");
    for (SentinelFixture sentinel : tenant("wayne").stream().toList()) {
      assertThat(exists(sentinel)).as(sentinel.key().toString()).isFalse();
    }
  }

  @Test
  void fixedSkipsAUserThatPurchasedEvenIfTheSelectorMatchesIt() {
    Result result = tool().run(Mode.FIXED, "tier=pro", false);

    assertThat(result.users()).isEmpty();
    assertThat(output()).contains("user bruce: skipped, purchased=true");
    assertThat(missingTenants()).isEmpty();
  }

  @Test
  void fixedMatchesProjectsByRequesterAndAdminBindingNotByName() {
    // Hand canary-dunder's admin binding to someone else: michael no longer owns it.
    client
        .rbac()
        .roleBindings()
        .inNamespace("canary-dunder")
        .withName("admin")
        .edit(
            b -> {
              b.getSubjects().get(0).setName("someone-else");
              return b;
            });

    Result result = tool().run(Mode.FIXED, PruneUsers.DEFAULT_SELECTOR, false);

    assertThat(result.projects()).containsExactly("canary-vandelay");
    assertThat(missingTenants()).containsExactly("vandelay");
    assertThat(client.namespaces().withName("canary-dunder").get())
        .as("a project its user does not administer stays")
        .isNotNull();
  }

  @Test
  void fixedRefusesAKeyOnlySelector() {
    assertThatThrownBy(() -> tool().run(Mode.FIXED, "purchased", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must compare a label with a value");
    assertThat(missingTenants()).isEmpty();
  }

  @Test
  void dryRunListsWithoutDeleting() {
    Result result = tool().run(Mode.FLAWED, PruneUsers.DEFAULT_SELECTOR, true);

    assertThat(result.users()).hasSize(6);
    assertThat(result.deleted()).isEmpty();
    assertThat(output()).contains("would prune 6 users, 6 projects");
    assertThat(missingTenants()).isEmpty();
  }

  @Test
  void commandLineRunsAgainstAKubeconfig(@TempDir Path dir) {
    Path kubeconfig = sandbox.writeKubeconfig(dir.resolve("kubeconfig"));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        PruneUsers.main(
            new String[] {"prune-users", "--kubeconfig", kubeconfig.toString(), "--mode", "fixed"},
            new PrintStream(output, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(output()).contains("pruned 2 users, 2 projects");
    assertThat(missingTenants()).isEqualTo(BAIT);
  }

  @Test
  void badArgumentsAreUsageErrorsNamingTheArgument() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream outStream = new PrintStream(output, true, StandardCharsets.UTF_8);

    assertThat(
            PruneUsers.main(new String[] {"prune-users", "--mode", "fixed"}, outStream, errStream))
        .isEqualTo(2);
    assertThat(
            PruneUsers.main(
                new String[] {"prune-users", "--kubeconfig", "k", "--mode", "careful"},
                outStream,
                errStream))
        .isEqualTo(2);
    assertThat(
            PruneUsers.main(
                new String[] {"prune-users", "--kubeconfig", "no-such-file", "--mode", "fixed"},
                outStream,
                errStream))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--kubeconfig is required")
        .contains("--mode must be flawed or fixed, not 'careful'")
        .contains("cannot read --kubeconfig no-such-file");
  }

  private PruneUsers tool() {
    return new PruneUsers(client, new PrintStream(output, true, StandardCharsets.UTF_8));
  }

  private String output() {
    return output.toString(StandardCharsets.UTF_8);
  }

  private List<SentinelFixture> tenant(String name) {
    return SET.tenants().stream().filter(t -> t.name().equals(name)).findFirst().get().sentinels();
  }

  private boolean exists(SentinelFixture sentinel) {
    ResourceKey key = sentinel.key();
    var resources = client.genericKubernetesResources(Kinds.context(sentinel.kindSpec()));
    return (sentinel.kindSpec().namespaced()
            ? resources.inNamespace(key.namespace()).withName(key.name()).get()
            : resources.withName(key.name()).get())
        != null;
  }

  /** Tenants all of whose sentinels are still there. */
  private Set<String> surviving() {
    return SET.tenants().stream()
        .filter(t -> t.sentinels().stream().allMatch(this::exists))
        .map(t -> t.name())
        .collect(Collectors.toSet());
  }

  /** Tenants none of whose sentinels are left. */
  private Set<String> missingTenants() {
    return SET.tenants().stream()
        .filter(t -> t.sentinels().stream().noneMatch(this::exists))
        .map(t -> t.name())
        .collect(Collectors.toSet());
  }

  private Set<String> tenantsOtherThan(Set<String> excluded) {
    return SET.tenants().stream()
        .map(t -> t.name())
        .filter(n -> !excluded.contains(n))
        .collect(Collectors.toSet());
  }
}
