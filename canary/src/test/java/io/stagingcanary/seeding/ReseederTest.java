package io.stagingcanary.seeding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.cluster.ClusterReader;
import io.stagingcanary.config.BoundProperties;
import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelResult;
import io.stagingcanary.diff.SentinelStatus;
import io.stagingcanary.fixtures.FixtureCatalog;
import io.stagingcanary.fixtures.SentinelFixture;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentChangeListener;
import io.stagingcanary.incident.IncidentEngine;
import io.stagingcanary.incident.IncidentSealed;
import io.stagingcanary.incident.JdbcIncidentStore;
import io.stagingcanary.leader.Leadership;
import io.stagingcanary.sandbox.SandboxCluster;
import io.stagingcanary.store.LedgerEntry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * The re-seeder on the in-process sandbox API server: sealed incidents come from the real incident
 * engine and store (H2), re-seeding goes through the real seeding service and guarded path. Only
 * the observing component is a fake of its port ({@link LostSentinels}).
 */
class ReseederTest {

  static final Instant T0 = Instant.parse("2026-12-03T08:00:00Z");

  @TempDir Path directory;
  final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
  final AtomicReference<String> hold = new AtomicReference<>();
  final List<Incident> sealed = new ArrayList<>();
  SandboxCluster sandbox;
  KubernetesClient client;
  HikariDataSource dataSource;
  InMemoryLedger ledger;
  FixtureCatalog fixtures;
  ClusterIdentity cluster;
  IncidentEngine engine;
  Observed observed;
  SentinelFixture settings;

  @BeforeEach
  void setUp() {
    CanaryProperties canary = properties("after-incident");
    fixtures = new FixtureCatalog(canary);
    sandbox =
        SandboxCluster.start(
            "127.0.0.1",
            0,
            fixtures.sets().stream().flatMap(s -> s.kinds().stream()).distinct().toList());
    client = sandbox.newClient();
    cluster = new ClusterIdentity("c-1", "staging", String.valueOf(client.getMasterUrl()));
    ledger = new InMemoryLedger();
    SeedReport report = seeding().seed(cluster, fixtures.sets());
    assertThat(report.count(SeedOutcome.Result.CREATED)).isEqualTo(fixtures.sentinels().size());

    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:file:" + directory.resolve("ledger").toAbsolutePath());
    config.setUsername("sa");
    config.setPassword("");
    dataSource = new HikariDataSource(config);
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    engine =
        new IncidentEngine(
            new JdbcIncidentStore(dataSource),
            clock,
            Duration.ZERO,
            sealed::add,
            i -> {},
            IncidentChangeListener.all(List.of()));
    engine.restore(cluster);
    observed = new Observed();
    settings =
        fixtures.sentinels().stream()
            .filter(s -> s.key().kind().equals("ConfigMap"))
            .findFirst()
            .orElseThrow();
  }

  @AfterEach
  void tearDown() {
    dataSource.close();
    client.close();
    sandbox.close();
  }

  @Test
  void aSealedLossIsReSeededThroughTheGuardedPathAndOnlyItsEntriesAreReloaded() {
    LedgerEntry before = ledger.find(cluster.id(), settings.key()).orElseThrow();
    Incident incident = lose(settings);

    reseeder("after-incident").onSealed(new IncidentSealed(incident));

    ConfigMap live = liveSettings();
    assertThat(live).isNotNull();
    LedgerEntry after = ledger.find(cluster.id(), settings.key()).orElseThrow();
    assertThat(after.uid()).isEqualTo(live.getMetadata().getUid()).isNotEqualTo(before.uid());
    assertThat(after.generation()).isEqualTo(before.generation() + 1);
    assertThat(observed.reseededKeys).containsExactly(settings.key());
    assertThat(observed.outcomes)
        .singleElement()
        .satisfies(o -> assertThat(o.result()).isEqualTo(SeedOutcome.Result.CREATED));
  }

  @Test
  void aHoldDefersTheReSeedUntilTheRunCompletes() {
    Incident incident = lose(settings);
    hold.set("ops-tool run(s) in progress: r-1 (prune 1.0.0)");
    Reseeder reseeder = reseeder("after-incident");

    reseeder.onSealed(new IncidentSealed(incident));
    reseeder.reseedOpenIncidentsSoon();
    observed.runSoon();
    assertThat(liveSettings()).as("held").isNull();
    assertThat(observed.reseededKeys).isEmpty();

    hold.set(null);
    reseeder.reseedOpenIncidentsSoon();
    assertThat(liveSettings()).as("not before the observing thread gets to it").isNull();
    observed.runSoon();

    assertThat(liveSettings()).isNotNull();
    assertThat(observed.reseededKeys).containsExactly(settings.key());
  }

  @Test
  void inManualModeOnlyAnExplicitRequestReSeeds() {
    Incident incident = lose(settings);
    Reseeder reseeder = reseeder("manual");

    reseeder.onSealed(new IncidentSealed(incident));
    reseeder.reseedOpenIncidentsSoon();
    observed.runSoon();
    assertThat(liveSettings()).isNull();

    List<SeedOutcome> outcomes = reseeder.reseed(incident.id());

    assertThat(outcomes)
        .extracting(SeedOutcome::result)
        .containsExactly(SeedOutcome.Result.CREATED);
    assertThat(liveSettings()).isNotNull();
    assertThatThrownBy(() -> reseeder.reseed("inc-unknown"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aForeignObjectInThePlaceIsNotTouchedAndIsHandedBackToBeJudgedAgain() {
    Incident incident = lose(settings);
    client
        .configMaps()
        .inNamespace(settings.key().namespace())
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(settings.key().name())
                .endMetadata()
                .addToData("owner", "someone else")
                .build())
        .create();

    reseeder("after-incident").onSealed(new IncidentSealed(incident));

    assertThat(liveSettings().getData()).containsEntry("owner", "someone else");
    assertThat(observed.reseededKeys).containsExactly(settings.key());
    assertThat(observed.outcomes)
        .singleElement()
        .satisfies(o -> assertThat(o.result()).isNotEqualTo(SeedOutcome.Result.CREATED));
  }

  @Test
  void sentinelsNoLongerMissingAreNotReSeeded() {
    Incident incident = lose(settings);
    observed.missing.clear();

    reseeder("after-incident").onSealed(new IncidentSealed(incident));

    assertThat(liveSettings()).isNull();
    assertThat(observed.reseededKeys).isEmpty();
  }

  /** Deletes the sentinel and has the engine store and seal the loss. */
  private Incident lose(SentinelFixture sentinel) {
    client
        .configMaps()
        .inNamespace(sentinel.key().namespace())
        .withName(sentinel.key().name())
        .delete();
    SentinelResult missing =
        new SentinelResult(
            sentinel.key(), sentinel.set(), sentinel.tenant(), new SentinelStatus.Missing());
    engine.accept(List.of(missing), Incident.DetectedBy.WATCH, null, null);
    engine.seal();
    observed.missing.add(sentinel.key());
    assertThat(sealed).hasSize(1);
    return sealed.get(0);
  }

  private ConfigMap liveSettings() {
    return client
        .configMaps()
        .inNamespace(settings.key().namespace())
        .withName(settings.key().name())
        .get();
  }

  private SeedingService seeding() {
    return new SeedingService(
        new ClusterReader(client), new GuardedMutations(client, ledger), ledger, clock);
  }

  private Reseeder reseeder(String mode) {
    StaticListableBeanFactory beans = new StaticListableBeanFactory();
    beans.addBean("hold", (ReseedHold) () -> Optional.ofNullable(hold.get()));
    beans.addBean("observed", observed);
    return new Reseeder(
        properties(mode),
        seeding(),
        fixtures,
        beans.getBeanProvider(ReseedHold.class),
        beans.getBeanProvider(LostSentinels.class),
        new Leader());
  }

  private static CanaryProperties properties(String mode) {
    return BoundProperties.canary(
        Map.of(
            "canary.fixtures.path", "../fixtures",
            "canary.fixtures.sets", "sandbox",
            "canary.reseed.mode", mode));
  }

  static final class Leader implements Leadership {
    @Override
    public boolean isLeader() {
      return true;
    }

    @Override
    public String identity() {
      return "test";
    }
  }

  /** The observing component's side of the port, backed by the real engine. */
  final class Observed implements LostSentinels {
    final Set<ResourceKey> missing = new HashSet<>();
    final List<ResourceKey> reseededKeys = new ArrayList<>();
    final List<SeedOutcome> outcomes = new ArrayList<>();

    @Override
    public <T> T onStateThread(Callable<T> work) {
      try {
        return work.call();
      } catch (Exception e) {
        throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
      }
    }

    /** What was handed to the state thread to run soon, not yet run. */
    final List<Runnable> soon = new ArrayList<>();

    @Override
    public void onStateThreadSoon(Runnable work) {
      soon.add(work);
    }

    /** The state thread gets to what it was handed. */
    void runSoon() {
      List<Runnable> now = List.copyOf(soon);
      soon.clear();
      now.forEach(Runnable::run);
    }

    @Override
    public Optional<ClusterIdentity> cluster() {
      return Optional.of(cluster);
    }

    @Override
    public boolean missingNow(ResourceKey key) {
      return missing.contains(key);
    }

    @Override
    public Optional<Incident> openIncident(String id) {
      return engine.openIncident(id);
    }

    @Override
    public List<Incident> openSealedIncidents() {
      return engine.openSealed();
    }

    @Override
    public void reseeded(Collection<ResourceKey> keys, List<SeedOutcome> result) {
      reseededKeys.addAll(keys);
      outcomes.addAll(result);
      keys.forEach(missing::remove);
    }
  }
}
