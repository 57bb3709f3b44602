/**
 * The verifier: drains dirty sentinels, runs full verifications, keeps blind state and feeds the
 * incident engine. Must not depend on {@code api}, {@code alerts} or {@code runs}.
 */
package io.stagingcanary.verification;
