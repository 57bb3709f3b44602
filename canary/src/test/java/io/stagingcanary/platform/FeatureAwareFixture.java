package io.stagingcanary.platform;

import io.stagingcanary.leader.Leadership;

/** A platform class that knows a feature: the cycle the platform rule prevents. */
class FeatureAwareFixture {

  boolean leads(Leadership leadership) {
    return leadership.isLeader();
  }
}
