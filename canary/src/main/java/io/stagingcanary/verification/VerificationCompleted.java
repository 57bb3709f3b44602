package io.stagingcanary.verification;

/** A full verification finished (published on the verifier thread). */
public record VerificationCompleted(VerificationResult result) {}
