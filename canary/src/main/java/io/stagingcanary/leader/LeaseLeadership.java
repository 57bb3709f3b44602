package io.stagingcanary.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.stagingcanary.platform.ComponentExecutor;
import io.stagingcanary.platform.ComponentExecutors;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership held through a {@code coordination.k8s.io} Lease with fabric8's LeaderElector. A
 * replica that loses the lease stops acting at once (every action checks {@link #isLeader()}) and
 * joins the election again as a candidate. Closing releases the lease, so a graceful shutdown hands
 * over without waiting for the lease to expire; a killed leader is replaced within the lease
 * duration.
 *
 * <p>A renewal can hang in the client's retries while the API server is unreachable, longer than
 * the lease lasts. So this class does not wait for the elector to give up: {@link #isLeader()} is
 * false as soon as {@code renew-deadline} passed since the last renewal seen in the Lease, which is
 * before another replica may take the lease over, and that term is then ended.
 */
public final class LeaseLeadership implements Leadership, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LeaseLeadership.class);

  private final KubernetesClient client;
  private final String identity;
  private final String lease;
  private final Duration retryPeriod;
  private final Duration renewDeadline;
  private final LeaderElectionConfig config;
  private final Consumer<LeadershipAcquired> onAcquired;
  private final Clock clock;
  private final ComponentExecutor executor;

  /** The election's own threads: they outlive a failing client, so a failed renewal ends a term. */
  private final ComponentExecutor electionExecutor;

  private volatile boolean leader;
  private volatile String currentLeader;
  private volatile Instant leaderSince;
  private volatile Instant renewedAt = Instant.EPOCH;
  private CompletableFuture<?> running;
  private boolean closed;

  /**
   * @param onAcquired runs on this class's own thread each time this replica becomes the leader
   */
  public LeaseLeadership(
      KubernetesClient client,
      String namespace,
      String leaseName,
      String identity,
      Duration leaseDuration,
      Duration renewDeadline,
      Duration retryPeriod,
      Consumer<LeadershipAcquired> onAcquired,
      Clock clock,
      ComponentExecutors executors) {
    this.client = client;
    this.identity = identity;
    this.lease = namespace + "/" + leaseName;
    this.retryPeriod = retryPeriod;
    this.renewDeadline = renewDeadline;
    this.onAcquired = onAcquired;
    this.clock = clock;
    this.executor = executors.single("leadership");
    this.electionExecutor = executors.pool("lease", 2);
    this.config =
        new LeaderElectionConfigBuilder()
            .withName("staging-canary")
            .withLock(new ObservedLeaseLock(namespace, leaseName, identity))
            .withLeaseDuration(leaseDuration)
            .withRenewDeadline(renewDeadline)
            .withRetryPeriod(retryPeriod)
            .withReleaseOnCancel(true)
            .withLeaderCallbacks(
                new LeaderCallbacks(this::startedLeading, this::stoppedLeading, this::newLeader))
            .build();
  }

  /** Joins the election; returns at once. Idempotent. */
  public synchronized void start() {
    if (closed || running != null) {
      return;
    }
    log.info("Replica {} joins the leader election on Lease {}", identity, lease);
    join();
    executor.scheduleWithFixedDelay(this::checkRenewal, retryPeriod, retryPeriod);
  }

  /** Ends a term whose renewals stopped (the API server is unreachable or slow). */
  private void checkRenewal() {
    if (!leader || renewedRecently()) {
      return;
    }
    leader = false;
    log.warn(
        "Replica {} could not renew Lease {} within {}: it stops acting and rejoins the election",
        identity,
        lease,
        renewDeadline);
    CompletableFuture<?> election;
    synchronized (this) {
      election = running;
    }
    if (election != null) {
      election.cancel(true);
    }
  }

  private boolean renewedRecently() {
    return Duration.between(renewedAt, clock.instant()).compareTo(renewDeadline) <= 0;
  }

  private synchronized void join() {
    if (closed) {
      return;
    }
    CompletableFuture<?> election =
        new LeaderElectorBuilder(client, electionExecutor).withConfig(config).build().start();
    running = election;
    election.whenComplete((ignored, failure) -> ended(election, failure));
  }

  /** An elector ends when its term ends (or it never got one and was cancelled): join again. */
  private void ended(CompletableFuture<?> election, Throwable failure) {
    leader = false;
    synchronized (this) {
      if (closed || running != election) {
        return;
      }
      running = null;
    }
    if (failure != null && !(failure instanceof java.util.concurrent.CancellationException)) {
      log.warn("Leader election on Lease {} ended: {}", lease, failure.toString());
    }
    executor.schedule(this::join, retryPeriod);
  }

  private void startedLeading() {
    Instant now = clock.instant();
    leaderSince = now;
    renewedAt = now;
    currentLeader = identity;
    leader = true;
    log.info("Replica {} is the leader (Lease {})", identity, lease);
    executor.execute(() -> announce(new LeadershipAcquired(identity, now)));
  }

  private void announce(LeadershipAcquired acquired) {
    if (!leader || closed) {
      return;
    }
    try {
      onAcquired.accept(acquired);
    } catch (RuntimeException e) {
      log.warn(
          "Replica {} leads but could not take up its work, retrying in {}: {}",
          identity,
          retryPeriod,
          e.toString());
      executor.schedule(() -> announce(acquired), retryPeriod);
    }
  }

  private void stoppedLeading() {
    if (leader) {
      leader = false;
      log.warn("Replica {} is no longer the leader (Lease {}): it stops acting", identity, lease);
    }
  }

  private void newLeader(String holder) {
    currentLeader = holder;
    if (holder != null && !holder.equals(identity)) {
      log.info("Leader on Lease {} is {}", lease, holder);
    }
  }

  @Override
  public boolean isLeader() {
    return leader && renewedRecently();
  }

  @Override
  public String identity() {
    return identity;
  }

  @Override
  public Optional<String> currentLeader() {
    return Optional.ofNullable(currentLeader).filter(s -> !s.isBlank());
  }

  /** Since when this replica leads, while it does. */
  public Optional<Instant> leaderSince() {
    return leader ? Optional.ofNullable(leaderSince) : Optional.empty();
  }

  /** The Lease lock, noting every renewal of ours it reads back. */
  private final class ObservedLeaseLock extends LeaseLock {

    ObservedLeaseLock(String namespace, String name, String identity) {
      super(namespace, name, identity);
    }

    @Override
    public LeaderElectionRecord get(KubernetesClient client) {
      LeaderElectionRecord record = super.get(client);
      if (record != null
          && identity.equals(record.getHolderIdentity())
          && record.getRenewTime() != null) {
        Instant renewed = record.getRenewTime().toInstant();
        if (renewed.isAfter(renewedAt)) {
          renewedAt = renewed;
        }
      }
      return record;
    }
  }

  /** Leaves the election and releases the lease if held. */
  @Override
  public void close() {
    CompletableFuture<?> election;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      election = running;
      running = null;
    }
    executor.closeNow();
    if (election != null) {
      election.cancel(true); // releases the lease if held (on this thread)
    }
    electionExecutor.closeNow();
    leader = false;
  }
}
