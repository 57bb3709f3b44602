/**
 * The cluster connection: the fabric8 client, the cluster identity ({@code kube-system} uid) and
 * API discovery of kinds. Reads only; writes go through {@code seeding.GuardedMutations}.
 */
package io.stagingcanary.cluster;
