/**
 * The in-process sandbox cluster (a mock Kubernetes API server in CRUD mode) for the demo, tests
 * and the {@code sandbox} profile. The only place besides {@code seeding.GuardedMutations} that
 * writes to a cluster: its own.
 */
package io.stagingcanary.sandbox;
