package io.stagingcanary.seeding;

import java.util.Optional;

/**
 * Holds automatic re-seeding back while something must not be disturbed, e.g. an ops-tool run in
 * progress (re-creating what the tool just deleted would interfere with it and blur its diff).
 * Losses are still detected and recorded; the re-seed follows when the hold ends.
 */
public interface ReseedHold {

  /** Why re-seeding must wait now; empty when it may proceed. */
  Optional<String> reason();
}
