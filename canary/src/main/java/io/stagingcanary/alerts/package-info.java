/**
 * Alerting: the channels (built from {@code canary.alerts.*} by their {@code ChannelTypes}), the
 * durable outbox written inside the incident's or run's own transaction, and the delivery worker.
 * Nobody calls it to page: it listens to incidents, runs and sight. Must not depend on {@code api}.
 */
package io.stagingcanary.alerts;
