/**
 * What every component shares instead of copying it: named, leader-aware executors ({@code
 * canary-<component>} threads, bounded orderly shutdown). The only package that creates threads for
 * the agent; depends on no other package of the agent.
 */
package io.stagingcanary.platform;
