package io.stagingcanary.controlplane;

import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.fixtures.SentinelFixture;
import io.stagingcanary.fixtures.SentinelLabels;
import io.stagingcanary.fixtures.SentinelSet;
import io.stagingcanary.fixtures.TenantFixture;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sentinel sets built in code, shaped like {@code fixtures/sandbox}: per tenant a namespace and a
 * few objects of several kinds inside it, all carrying the sentinel labels.
 */
public final class TestSentinelSets {

  public static final KindSpec NAMESPACE = new KindSpec("v1", "Namespace", "namespaces", false);
  public static final KindSpec CONFIG_MAP = new KindSpec("v1", "ConfigMap", "configmaps", true);
  public static final KindSpec SECRET = new KindSpec("v1", "Secret", "secrets", true);
  public static final KindSpec SERVICE_ACCOUNT =
      new KindSpec("v1", "ServiceAccount", "serviceaccounts", true);
  public static final KindSpec PVC =
      new KindSpec("v1", "PersistentVolumeClaim", "persistentvolumeclaims", true);

  /** Needs the CRDs of {@code crds/openshift} installed. */
  public static final KindSpec ROUTE =
      new KindSpec("route.openshift.io/v1", "Route", "routes", true);

  private TestSentinelSets() {}

  /** Namespace of a tenant of a set. */
  public static String namespace(String set, String tenant) {
    return set + "-" + tenant;
  }

  /**
   * A set whose tenants each have a namespace, a ConfigMap, a Secret, a ServiceAccount, a PVC and
   * (if {@code withRoute}) an OpenShift Route.
   */
  public static SentinelSet tenantSet(String set, List<String> tenants, boolean withRoute) {
    List<KindSpec> kinds =
        new ArrayList<>(List.of(NAMESPACE, CONFIG_MAP, SECRET, SERVICE_ACCOUNT, PVC));
    if (withRoute) {
      kinds.add(ROUTE);
    }
    List<TenantFixture> tenantFixtures = new ArrayList<>();
    for (String tenant : tenants) {
      String ns = namespace(set, tenant);
      List<SentinelFixture> sentinels = new ArrayList<>();
      sentinels.add(sentinel(set, tenant, NAMESPACE, null, ns, Map.of()));
      sentinels.add(
          sentinel(
              set, tenant, CONFIG_MAP, ns, "settings", Map.of("data", Map.of("tier", tenant))));
      sentinels.add(
          sentinel(
              set,
              tenant,
              SECRET,
              ns,
              "credentials",
              Map.of("stringData", Map.of("token", "t-" + tenant))));
      sentinels.add(sentinel(set, tenant, SERVICE_ACCOUNT, ns, "builder", Map.of()));
      sentinels.add(
          sentinel(
              set,
              tenant,
              PVC,
              ns,
              "data",
              Map.of(
                  "spec",
                  Map.of(
                      "accessModes",
                      List.of("ReadWriteOnce"),
                      "resources",
                      Map.of("requests", Map.of("storage", "1Gi"))))));
      if (withRoute) {
        sentinels.add(
            sentinel(
                set,
                tenant,
                ROUTE,
                ns,
                "web",
                Map.of(
                    "spec",
                    Map.of(
                        "host",
                        tenant + ".apps.example.test",
                        "to",
                        Map.of("kind", "Service", "name", "web")))));
      }
      tenantFixtures.add(
          new TenantFixture(tenant, "tenant " + tenant, Map.of(), List.copyOf(sentinels)));
    }
    return new SentinelSet(set, "test set " + set, List.copyOf(kinds), List.copyOf(tenantFixtures));
  }

  /** One sentinel with the sentinel, set and tenant labels. */
  public static SentinelFixture sentinel(
      String set,
      String tenant,
      KindSpec kind,
      String namespace,
      String name,
      Map<String, Object> body) {
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put(SentinelLabels.SENTINEL, "true");
    labels.put(SentinelLabels.SET, set);
    labels.put(SentinelLabels.TENANT, tenant);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name);
    if (namespace != null) {
      metadata.put("namespace", namespace);
    }
    metadata.put("labels", labels);
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("apiVersion", kind.apiVersion());
    manifest.put("kind", kind.kind());
    manifest.put("metadata", metadata);
    manifest.putAll(body);
    ResourceKey key = new ResourceKey(kind.apiVersion(), kind.kind(), namespace, name);
    return new SentinelFixture(set, tenant, key, kind, manifest, "test:" + set);
  }

  public static List<SentinelFixture> sentinels(SentinelSet set) {
    return set.tenants().stream().flatMap(t -> t.sentinels().stream()).toList();
  }
}
