package io.stagingcanary.seeding;

import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.fixtures.FixtureCatalog;
import io.stagingcanary.fixtures.SentinelFixture;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentSealed;
import io.stagingcanary.leader.Leadership;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Re-creates lost sentinels, only ever after their loss is stored: when an incident is sealed
 * (re-seed mode {@code after-incident}), after a full verification, when an ops-tool run completes
 * and on demand for one incident. Re-seeding waits while any {@link ReseedHold} holds it; the
 * losses are recorded meanwhile and re-seeded when the hold ends. Every write goes through {@link
 * SeedingService}, thus {@link GuardedMutations}.
 *
 * <p>Runs on the thread of the component that observes the sentinels ({@link LostSentinels}), so
 * that what it reads of their states and the open incidents does not change under it.
 */
@Service
public class Reseeder {

  private static final Logger log = LoggerFactory.getLogger(Reseeder.class);

  private final CanaryProperties properties;
  private final SeedingService seeding;
  private final FixtureCatalog fixtures;
  private final ObjectProvider<ReseedHold> holds;
  private final ObjectProvider<LostSentinels> observed;
  private final Leadership leadership;

  public Reseeder(
      CanaryProperties properties,
      SeedingService seeding,
      FixtureCatalog fixtures,
      ObjectProvider<ReseedHold> holds,
      ObjectProvider<LostSentinels> observed,
      Leadership leadership) {
    this.properties = properties;
    this.seeding = seeding;
    this.fixtures = fixtures;
    this.holds = holds;
    this.observed = observed;
    this.leadership = leadership;
  }

  /**
   * The incident is stored: re-create what it lost (mode {@code after-incident}, no hold). Sealing
   * happens on the observing component's thread, which publishes the event, so this runs there.
   */
  @EventListener
  public void onSealed(IncidentSealed sealed) {
    Incident incident = sealed.incident();
    if (incident.type() == Incident.Type.SENTINEL_LOSS && afterIncident() && !held(incident.id())) {
      reseedLost(lostSentinels(), incident);
    }
  }

  /** Re-creates the lost sentinels of an open incident (also in mode {@code manual}). */
  public List<SeedOutcome> reseed(String incidentId) {
    LostSentinels sentinels = lostSentinels();
    return sentinels.onStateThread(
        () -> {
          Incident incident =
              sentinels
                  .openIncident(incidentId)
                  .orElseThrow(
                      () -> new IllegalArgumentException("no open incident " + incidentId));
          return reseedLost(sentinels, incident);
        });
  }

  /**
   * Re-seeds what open incidents lost (see {@link #reseedOpenIncidents()}) soon, on the observing
   * component's thread, without waiting: a run's verdict is not held up by that thread, which may
   * be merging a full verification.
   */
  public void reseedOpenIncidentsSoon() {
    if (leadership.isLeader()) {
      lostSentinels().onStateThreadSoon(this::reseedOpenIncidents);
    }
  }

  /**
   * Re-creates the lost sentinels of every open, sealed loss incident unless held; called on the
   * observing component's thread (after each full verification).
   */
  public void reseedOpenIncidents() {
    if (!afterIncident()) {
      return;
    }
    LostSentinels sentinels = lostSentinels();
    List<Incident> open = sentinels.openSealedIncidents();
    if (open.isEmpty() || held("open incidents")) {
      return;
    }
    for (Incident incident : open) {
      if (incident.type() == Incident.Type.SENTINEL_LOSS) {
        reseedLost(sentinels, incident);
      }
    }
  }

  /** Re-creates the incident's sentinels that are missing now; only ever for a stored incident. */
  private List<SeedOutcome> reseedLost(LostSentinels sentinels, Incident incident) {
    Optional<ClusterIdentity> cluster = sentinels.cluster();
    if (cluster.isEmpty()) {
      return List.of();
    }
    Map<ResourceKey, SentinelFixture> byKey = new HashMap<>();
    fixtures.sentinels().forEach(s -> byKey.put(s.key(), s));
    List<SentinelFixture> lost = new ArrayList<>();
    for (Incident.Item item : incident.items()) {
      SentinelFixture fixture = byKey.get(item.key());
      if (fixture != null && sentinels.missingNow(item.key())) {
        lost.add(fixture);
      }
    }
    if (lost.isEmpty()) {
      return List.of();
    }
    List<SeedOutcome> outcomes = seeding.reseed(cluster.get(), lost, incident.id());
    sentinels.reseeded(lost.stream().map(SentinelFixture::key).toList(), outcomes);
    return outcomes;
  }

  private boolean afterIncident() {
    return properties.reseed().mode() == CanaryProperties.ReseedMode.AFTER_INCIDENT;
  }

  private boolean held(String what) {
    Optional<String> reason =
        holds.orderedStream().map(ReseedHold::reason).flatMap(Optional::stream).findFirst();
    reason.ifPresent(r -> log.info("Re-seed of {} deferred: {}", what, r));
    return reason.isPresent();
  }

  private LostSentinels lostSentinels() {
    return observed.getObject();
  }
}
