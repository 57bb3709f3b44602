package io.stagingcanary.watch;

/** Feeds probe outcomes to an {@link ApiLiveness} that is not probing, for tests elsewhere. */
public final class LivenessProbes {

  private LivenessProbes() {}

  public static void answered(ApiLiveness liveness) {
    liveness.record(true, "GET /readyz answered");
  }

  public static void failed(ApiLiveness liveness) {
    liveness.record(false, "GET /readyz not answered within PT2S");
  }
}
