package io.stagingcanary.verification;

/** Asks for a full verification now, or adds a source of degradations the objects do not show. */
public interface VerificationRequests {

  /** Runs a full verification now and returns what it found (waits for it). */
  VerificationResult verifyNow();

  /** Adds a source of degradations the objects do not show (applied from the next verification). */
  void register(ExtraDegradations source);
}
