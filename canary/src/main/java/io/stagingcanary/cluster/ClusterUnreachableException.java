package io.stagingcanary.cluster;

/** The API server behind the configured kubeconfig could not be reached at startup. */
public class ClusterUnreachableException extends RuntimeException {

  private final String serverUrl;

  public ClusterUnreachableException(String serverUrl, Throwable cause) {
    super(
        "Cannot reach the Kubernetes API server at " + serverUrl + ": " + rootMessage(cause),
        cause);
    this.serverUrl = serverUrl;
  }

  public String serverUrl() {
    return serverUrl;
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
  }
}
