package io.stagingcanary.cluster;

/**
 * An identity for a cluster that cannot be told apart by its kube-system uid: the sandbox's mock
 * server hands out the same uids at every start, yet every start is a new, empty cluster.
 */
@FunctionalInterface
public interface ClusterIdOverride {
  String clusterId();
}
