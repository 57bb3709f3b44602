/**
 * A user-pruning ops tool, the tool under test in the 2017 replay. It is NOT part of the agent: it
 * writes through its own fabric8 client, never through the agent's guarded path, exactly like any
 * ops script the canary watches.
 */
package io.stagingcanary.demo.prune;
