package io.stagingcanary.cluster;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a missing cluster at startup and how to get one. */
class ClusterUnreachableFailureAnalyzer
    extends AbstractFailureAnalyzer<ClusterUnreachableException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, ClusterUnreachableException cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Point KUBECONFIG (or ~/.kube/config, or the in-cluster service account) at a reachable"
            + " cluster, or start the agent on its embedded sandbox cluster:\n"
            + "    ./mvnw -pl canary spring-boot:run -Dspring-boot.run.profiles=sandbox\n"
            + "or  java -jar canary/target/canary.jar --spring.profiles.active=sandbox",
        cause);
  }
}
