/**
 * Data integrity of sentinel PVCs: write and check Jobs, the expected digests in the ledger and
 * snapshot freshness. Only the leader acts; must not depend on {@code api}.
 */
package io.stagingcanary.data;
