package io.stagingcanary.leader;

/** Leader election was enabled on a store the replicas cannot share (the embedded H2). */
class SharedStoreRequiredException extends IllegalStateException {

  SharedStoreRequiredException(String message) {
    super(message);
  }
}
