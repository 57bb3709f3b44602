package io.stagingcanary.platform;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The one way a component gets threads of its own: every executor is named after its component and
 * closed in order when the application context closes. A component closes its own executor first
 * (in its {@code destroy}, so its running task ends while what it uses is still there); whatever is
 * still open when this bean is destroyed is closed then, each given up to {@code
 * canary.platform.shutdown-wait} to finish before it is interrupted.
 *
 * <p>In the agent each executor is measured: {@code canary_component_queued_tasks} and {@code
 * canary_component_task_failures_total}, tagged with the component (docs/metrics.md).
 */
@Component
public class ComponentExecutors implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(ComponentExecutors.class);

  private final Duration shutdownWait;
  private final MeterRegistry registry;
  private final List<ComponentExecutor> executors = new CopyOnWriteArrayList<>();

  @Autowired
  public ComponentExecutors(PlatformProperties properties, MeterRegistry registry) {
    this(properties.shutdownWait(), registry);
  }

  /**
   * Outside a Spring context (tests, tools): {@code shutdownWait} bounds each close; no metrics.
   */
  public ComponentExecutors(Duration shutdownWait) {
    this(shutdownWait, null);
  }

  ComponentExecutors(Duration shutdownWait, MeterRegistry registry) {
    this.shutdownWait = shutdownWait;
    this.registry = registry;
  }

  /** One thread, {@code canary-<component>}: runs and schedules the component's work in order. */
  public ComponentExecutor single(String component) {
    return register(new ComponentExecutor(component, 1, false, shutdownWait));
  }

  /** {@code threads} threads, {@code canary-<component>-<n>}, that run and schedule work. */
  public ComponentExecutor pool(String component, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("a pool needs at least one thread, not " + threads);
    }
    return register(new ComponentExecutor(component, threads, false, shutdownWait));
  }

  /**
   * As many threads as there are calls at once, {@code canary-<component>-<n>}, for blocking calls
   * that are given up after a timeout (an idle thread ends after a minute). It schedules nothing.
   */
  public ComponentExecutor elastic(String component) {
    return register(new ComponentExecutor(component, 0, true, shutdownWait));
  }

  /** The executors made so far, in order. */
  public List<ComponentExecutor> all() {
    return List.copyOf(executors);
  }

  /** How long each close waits for running work. */
  public Duration shutdownWait() {
    return shutdownWait;
  }

  private ComponentExecutor register(ComponentExecutor executor) {
    if (executor.component().isBlank()) {
      throw new IllegalArgumentException("a component executor needs a name");
    }
    executors.add(executor);
    if (registry != null) {
      Gauge.builder("canary.component.queued.tasks", executor, ComponentExecutor::queued)
          .description("Tasks waiting to run on a component's threads, scheduled ones included")
          .tag("component", executor.component())
          .register(registry);
      FunctionCounter.builder(
              "canary.component.task.failures", executor, ComponentExecutor::failures)
          .description("Tasks of a component that threw with nobody to tell but the log")
          .tag("component", executor.component())
          .register(registry);
    }
    return executor;
  }

  /**
   * Closes every executor still open: first all stop taking work and end their schedules, then each
   * is given up to {@code shutdown-wait} to finish before it is interrupted.
   */
  @Override
  public void destroy() {
    List<ComponentExecutor> open = new ArrayList<>();
    for (ComponentExecutor executor : executors) {
      if (!executor.isShutdown()) {
        open.add(executor);
      }
    }
    open.forEach(ComponentExecutor::stopTakingWork);
    List<String> late = new ArrayList<>();
    for (ComponentExecutor executor : open) {
      if (!executor.close(shutdownWait)) {
        late.add(executor.component());
      }
    }
    if (!late.isEmpty()) {
      log.warn("Components {} were interrupted at shutdown after {}", late, shutdownWait);
    }
  }
}
