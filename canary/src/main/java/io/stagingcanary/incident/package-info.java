/**
 * Incidents: the record of a loss or an expected change, the engine that groups, seals and resolves
 * them database first, the incident store and the listener port told inside each incident
 * transaction. Must not depend on {@code alerts}, {@code api} or {@code verification}.
 */
package io.stagingcanary.incident;
