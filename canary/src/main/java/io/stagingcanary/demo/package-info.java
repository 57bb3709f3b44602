/**
 * The 2017 replay ({@code java -jar canary.jar demo}): starts the agent on the sandbox and runs the
 * prune tool under the gate. Outside the agent's Spring context; nothing of the agent depends on
 * it.
 */
package io.stagingcanary.demo;
