package io.stagingcanary.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.incident.ItemAttribution;
import io.stagingcanary.incident.ItemAttribution.Source;
import io.stagingcanary.incident.ItemAttribution.UnknownReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttributionMatcherTest {

  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
  private static final String NS_CONTROLLER =
      "system:serviceaccount:kube-system:namespace-controller";
  private static final String GC = "system:serviceaccount:kube-system:generic-garbage-collector";

  private final AttributionMatcher matcher = new AttributionMatcher(List.of(NS_CONTROLLER, GC));
  private final List<ObservedRequest> records = new ArrayList<>();

  private static final ResourceKey NAMESPACE =
      ResourceKey.clusterScoped("v1", "Namespace", "canary-acme");
  private static final ResourceKey CONFIG_MAP =
      ResourceKey.namespaced("v1", "ConfigMap", "canary-acme", "settings");
  private static final ResourceKey REPLICA_SET =
      ResourceKey.namespaced("apps/v1", "ReplicaSet", "canary-acme", "web-1");

  private static ObservedRequest request(
      String verb,
      String group,
      String resource,
      String kind,
      String namespace,
      String name,
      String uid,
      List<String> owners,
      String user,
      Instant at) {
    return new ObservedRequest(
        Source.ADMISSION,
        "req",
        verb,
        group,
        resource,
        kind,
        namespace,
        name,
        uid,
        owners,
        user,
        List.of("system:authenticated"),
        Map.of(),
        null,
        List.of(),
        false,
        at);
  }

  private AttributionMatcher.Context context(String run, UnknownReason otherwise) {
    return withRuns(run == null ? AttributionMatcher.Runs.NONE : (key, at) -> run, otherwise);
  }

  private AttributionMatcher.Context withRuns(
      AttributionMatcher.Runs runs, UnknownReason otherwise) {
    return new AttributionMatcher.Context(
        T0.minusSeconds(600),
        records,
        uids -> records.stream().filter(r -> uids.contains(r.uid())).toList(),
        runs,
        otherwise);
  }

  @Test
  void aNamespaceDeletionNamesItsUserForTheNamespaceAndEverythingTheControllerRemovedInIt() {
    records.add(
        request(
            "delete",
            "",
            "namespaces",
            "Namespace",
            "",
            "canary-acme",
            "ns-uid",
            List.of(),
            "alice",
            T0));
    records.add(settingsDeletedBy(NS_CONTROLLER, T0.plusSeconds(2)));
    records.add(
        request(
            "delete",
            "",
            "namespaces",
            "Namespace",
            "",
            "canary-acme",
            "ns-uid",
            List.of(),
            NS_CONTROLLER,
            T0.plusSeconds(5)));

    ItemAttribution namespace = matcher.attribute(NAMESPACE, "ns-uid", context(null, null));
    ItemAttribution configMap = matcher.attribute(CONFIG_MAP, "cm-uid", context(null, null));

    assertThat(namespace.actor().username()).isEqualTo("alice");
    assertThat(namespace.actor().verb()).isEqualTo("delete");
    assertThat(namespace.cause()).isNull();
    assertThat(configMap.actor().username()).isEqualTo("alice");
    assertThat(configMap.cause())
        .isEqualTo(new ItemAttribution.Cause("Namespace", null, "canary-acme"));
  }

  @Test
  void contentsWithNoRecordOfTheirOwnFollowTheirNamespacesDeletion() {
    records.add(
        request(
            "delete",
            "",
            "namespaces",
            "Namespace",
            "",
            "canary-acme",
            "ns-uid",
            List.of(),
            "alice",
            T0));

    ItemAttribution configMap = matcher.attribute(CONFIG_MAP, "cm-uid", context(null, null));

    assertThat(configMap.actor().username()).isEqualTo("alice");
    assertThat(configMap.cause().name()).isEqualTo("canary-acme");
  }

  @Test
  void aDependentRemovedByTheGarbageCollectorNamesWhoeverDeletedItsOwner() {
    records.add(
        request(
            "delete",
            "apps",
            "deployments",
            "Deployment",
            "canary-acme",
            "web",
            "dep-uid",
            List.of(),
            "carol",
            T0));
    records.add(
        request(
            "delete",
            "apps",
            "replicasets",
            "ReplicaSet",
            "canary-acme",
            "web-1",
            "rs-uid",
            List.of("dep-uid"),
            GC,
            T0.plusSeconds(1)));

    ItemAttribution replicaSet = matcher.attribute(REPLICA_SET, "rs-uid", context(null, null));

    assertThat(replicaSet.actor().username()).isEqualTo("carol");
    assertThat(replicaSet.cause())
        .isEqualTo(new ItemAttribution.Cause("Deployment", "canary-acme", "web"));
  }

  @Test
  void aLabelStrippedByAUserNamesThatUserAndTheUpdate() {
    records.add(
        request(
            "update",
            "",
            "configmaps",
            "ConfigMap",
            "canary-acme",
            "settings",
            "cm-uid",
            List.of(),
            "bob",
            T0));

    ItemAttribution configMap = matcher.attribute(CONFIG_MAP, "cm-uid", context(null, null));

    assertThat(configMap.actor().username()).isEqualTo("bob");
    assertThat(configMap.actor().verb()).isEqualTo("update");
    assertThat(configMap.cause()).isNull();
  }

  @Test
  void anAuditRecordWithoutAKindMatchesByResourceAndAnotherUidDoesNotMatch() {
    records.add(
        request(
            "patch",
            "",
            "configmaps",
            null,
            "canary-acme",
            "settings",
            null,
            List.of(),
            "dave",
            T0));
    assertThat(
            matcher
                .attribute(CONFIG_MAP, "cm-uid", context(null, UnknownReason.PENDING))
                .actor()
                .username())
        .isEqualTo("dave");

    records.clear();
    records.add(
        request(
            "delete",
            "",
            "configmaps",
            "ConfigMap",
            "canary-acme",
            "settings",
            "older-uid",
            List.of(),
            "erin",
            T0));
    ItemAttribution other =
        matcher.attribute(CONFIG_MAP, "cm-uid", context(null, UnknownReason.PENDING));
    assertThat(other.known()).isFalse();
    assertThat(other.unknown()).isEqualTo(UnknownReason.PENDING);
  }

  @Test
  void recordsBeforeTheWindowDryRunsAndOtherObjectsAreNotMatched() {
    records.add(settingsDeletedBy("old", T0.minusSeconds(3600)));
    records.add(
        new ObservedRequest(
            Source.ADMISSION,
            "r",
            "delete",
            "",
            "configmaps",
            "ConfigMap",
            "canary-acme",
            "settings",
            "cm-uid",
            List.of(),
            "dry",
            List.of(),
            Map.of(),
            null,
            List.of(),
            true,
            T0));
    records.add(
        request(
            "delete",
            "",
            "configmaps",
            "ConfigMap",
            "canary-other",
            "settings",
            null,
            List.of(),
            "elsewhere",
            T0));

    ItemAttribution item =
        matcher.attribute(CONFIG_MAP, "cm-uid", context(null, UnknownReason.NOT_RECEIVED));

    assertThat(item.actor()).isNull();
    assertThat(item.unknown()).isEqualTo(UnknownReason.NOT_RECEIVED);
  }

  @Test
  void withoutARecordAnItemChangedDuringARunNamesTheRun() {
    String run = "run-1 (prune-users 1.0.0)";
    ItemAttribution item =
        matcher.attribute(CONFIG_MAP, "cm-uid", context(run, UnknownReason.PENDING));
    assertThat(item.actor().source()).isEqualTo(Source.RUN);
    assertThat(item.run()).isEqualTo(run);

    records.add(settingsDeletedBy("system:serviceaccount:ops:prune-users", T0));
    ItemAttribution seen = matcher.attribute(CONFIG_MAP, "cm-uid", context(run, null));
    assertThat(seen.actor().username()).isEqualTo("system:serviceaccount:ops:prune-users");
    assertThat(seen.actor().source()).isEqualTo(Source.ADMISSION);
    assertThat(seen.run()).isEqualTo(run);
  }

  @Test
  void theRunIsLookedUpAtTheTimeOfTheRequestThatChangedTheItem() {
    Instant runStart = T0.minusSeconds(5);
    Instant runEnd = T0.plusSeconds(5);
    AttributionMatcher.Runs oneRun =
        (key, at) -> {
          if (at == null) {
            return null;
          }
          return at.isBefore(runStart) || at.isAfter(runEnd) ? null : "run-1 (prune-users 1.0.0)";
        };
    records.add(settingsDeletedBy("system:serviceaccount:ops:prune-users", T0));
    assertThat(matcher.attribute(CONFIG_MAP, "cm-uid", withRuns(oneRun, null)).run())
        .isEqualTo("run-1 (prune-users 1.0.0)");

    records.clear();
    records.add(settingsDeletedBy("carol", T0.plusSeconds(60)));
    ItemAttribution afterTheRun = matcher.attribute(CONFIG_MAP, "cm-uid", withRuns(oneRun, null));
    assertThat(afterTheRun.actor().username()).isEqualTo("carol");
    assertThat(afterTheRun.run()).isNull();
  }

  private static ObservedRequest settingsDeletedBy(String username, Instant at) {
    return request(
        "delete",
        "",
        "configmaps",
        "ConfigMap",
        "canary-acme",
        "settings",
        "cm-uid",
        List.of(),
        username,
        at);
  }

  @Test
  void pluralsOfTheKindsSentinelsHave() {
    assertThat(AttributionMatcher.plural("ConfigMap")).isEqualTo("configmaps");
    assertThat(AttributionMatcher.plural("NetworkPolicy")).isEqualTo("networkpolicies");
    assertThat(AttributionMatcher.plural("Ingress")).isEqualTo("ingresses");
    assertThat(AttributionMatcher.plural("PersistentVolumeClaim"))
        .isEqualTo("persistentvolumeclaims");
    assertThat(AttributionMatcher.plural("Gateway")).isEqualTo("gateways");
  }
}
