package io.stagingcanary.cluster;

/**
 * A running agent found another cluster behind its API server URL (a new {@code kube-system} uid):
 * the cluster was rebuilt or swapped. Seeding starts over for {@code current}; the previous
 * cluster's ledger becomes one environment reset.
 */
public record ClusterReplaced(ClusterIdentity previous, ClusterIdentity current) {}
