/**
 * The agent's entry point ({@code CanaryApplication}); its features are the packages below, one job
 * each, listed with what they may depend on in docs/architecture.md.
 */
package io.stagingcanary;
