/**
 * Micrometer metrics of the agent, declared in one place ({@code CanaryMetrics}). Features call it
 * with plain values; it depends on no feature (only {@code config}).
 */
package io.stagingcanary.metrics;
