/**
 * Leadership: Lease-based election, or one replica that always leads. Only the leader seeds,
 * verifies, brackets tool Jobs and delivers alerts. Depends only on {@code metrics} and {@code
 * platform}.
 */
package io.stagingcanary.leader;
