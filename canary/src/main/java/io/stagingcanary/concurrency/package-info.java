/**
 * {@code Calls}: run work on a component's own thread and wait for it. Kept for the verifier until
 * it takes its threads from {@code platform}; depends on nothing of the agent.
 */
package io.stagingcanary.concurrency;
