/**
 * Watches: one label-selected informer per kind and the API server liveness probe. Events mark
 * sentinels dirty (triggers, never facts). Must not depend on {@code verification} or {@code api}.
 */
package io.stagingcanary.watch;
