/**
 * Pure core: resource identities, normalised observed state, snapshots, changes and the diff
 * between what the ledger expects and what the cluster holds. No framework, no IO.
 */
package io.stagingcanary.diff;
