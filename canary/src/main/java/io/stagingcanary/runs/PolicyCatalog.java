package io.stagingcanary.runs;

import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.metrics.CanaryMetrics;
import io.stagingcanary.platform.ComponentExecutor;
import io.stagingcanary.platform.ComponentExecutors;
import io.stagingcanary.rules.ToolPolicy;
import io.stagingcanary.rules.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The tool policies of {@code canary.runs.policies}: loaded and validated at startup (a bad file
 * stops startup naming file and field), then reloaded whenever a file changes. A bad file on reload
 * keeps the previous policies and logs the problem.
 */
@Component
public class PolicyCatalog implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(PolicyCatalog.class);

  private final Path folder;
  private final CanaryMetrics metrics;
  private final ComponentExecutor executor;
  private volatile Map<String, ToolPolicy> policies;
  private volatile String stamp;
  private volatile String fingerprint;
  private volatile String lastProblem;

  public PolicyCatalog(
      CanaryProperties canary,
      RunsProperties properties,
      CanaryMetrics metrics,
      ComponentExecutors executors) {
    this.folder = properties.policiesOr(canary.fixtures().path());
    this.metrics = metrics;
    this.stamp = PolicyFiles.stamp(folder);
    PolicyFiles.Loaded loaded = PolicyFiles.load(folder);
    this.policies = loaded.policies();
    this.fingerprint = loaded.fingerprint();
    log.info("Loaded {} tool policies from {}: {}", policies.size(), folder, policies.keySet());
    declare();
    Duration every = properties.policyReloadInterval();
    this.executor = executors.single("policies");
    executor.scheduleWithFixedDelay(this::reloadIfChanged, every, every);
  }

  /** The policy of a tool, if there is one. */
  public Optional<ToolPolicy> find(String tool) {
    return Optional.ofNullable(policies.get(tool));
  }

  public Map<String, ToolPolicy> all() {
    return policies;
  }

  /** The problem of the last failed reload, while the previous policies stay in force. */
  public Optional<String> lastProblem() {
    return Optional.ofNullable(lastProblem);
  }

  /** Reloads now when a file changed; returns whether the policies in force changed. */
  public synchronized boolean reloadIfChanged() {
    try {
      String now = PolicyFiles.stamp(folder);
      if (now.equals(stamp)) {
        return false;
      }
      stamp = now;
      PolicyFiles.Loaded loaded = PolicyFiles.load(folder);
      lastProblem = null;
      if (loaded.fingerprint().equals(fingerprint)) {
        return false;
      }
      policies = loaded.policies();
      fingerprint = loaded.fingerprint();
      log.info("Reloaded tool policies from {}: {}", folder, policies.keySet());
      declare();
      return true;
    } catch (PolicyFileException e) {
      lastProblem = e.getMessage();
      log.warn("Tool policies not reloaded, keeping the previous ones: {}", e.getMessage());
      return false;
    } catch (RuntimeException e) {
      log.warn("Tool policies not reloaded, keeping the previous ones", e);
      return false;
    }
  }

  private void declare() {
    metrics.declareTools(policies.keySet(), Verdict.names());
  }

  @Override
  public void destroy() {
    executor.close();
  }
}
