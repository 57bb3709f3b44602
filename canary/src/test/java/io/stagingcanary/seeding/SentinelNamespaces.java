package io.stagingcanary.seeding;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.fixtures.SentinelLabels;
import io.stagingcanary.store.Ledger;
import io.stagingcanary.store.LedgerEntry;
import java.time.Instant;

/**
 * Test support: namespaces the canary owns (labelled and in the ledger, as seeding leaves them).
 */
public final class SentinelNamespaces {

  private SentinelNamespaces() {}

  /** Creates {@code name} as a sentinel namespace of set {@code set} and records its uid. */
  public static Namespace createOwned(
      KubernetesClient client, Ledger ledger, String clusterId, String set, String name) {
    Namespace created =
        client
            .namespaces()
            .resource(
                new NamespaceBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .addToLabels(SentinelLabels.SENTINEL, "true")
                    .addToLabels(SentinelLabels.SET, set)
                    .addToLabels(SentinelLabels.TENANT, "acme")
                    .endMetadata()
                    .build())
            .create();
    record(ledger, clusterId, set, name, created.getMetadata().getUid());
    return created;
  }

  /** Records {@code uid} as the ledger's uid of Namespace {@code name}. */
  public static void record(Ledger ledger, String clusterId, String set, String name, String uid) {
    ledger.save(
        LedgerEntry.builder()
            .clusterId(clusterId)
            .key(ResourceKey.clusterScoped("v1", "Namespace", name))
            .owner(set, "acme")
            .server(uid, "1")
            .content("f", "{}")
            .seededAt(Instant.parse("2026-01-01T00:00:00Z"))
            .build());
  }

  /** Creates a namespace the canary does not own, optionally with a forged sentinel label. */
  public static Namespace createForeign(KubernetesClient client, String name, boolean forged) {
    NamespaceBuilder builder =
        new NamespaceBuilder()
            .withNewMetadata()
            .withName(name)
            .addToLabels("team", "someone-else")
            .endMetadata();
    if (forged) {
      builder
          .editMetadata()
          .addToLabels(SentinelLabels.SENTINEL, "true")
          .addToLabels(SentinelLabels.SET, "sandbox")
          .endMetadata();
    }
    return client.namespaces().resource(builder.build()).create();
  }
}
