/**
 * The CI gate's client: JDK only (no Spring, no fabric8), so it runs from a small jar. Talks to the
 * agent over HTTP; depends on no other package of the agent.
 */
package io.stagingcanary.gate;
