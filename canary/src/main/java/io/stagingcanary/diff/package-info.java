/**
 * Pure core: resource identities, normalised observed state, snapshots, changes and the diff
 * between what the ledger expects and what the cluster holds. No framework, no IO.
 *
 * <p>Flow: edges turn live objects into plain maps, {@link io.stagingcanary.diff.Normalizer} makes
 * {@link io.stagingcanary.diff.ObservedState}s, a {@link io.stagingcanary.diff.Snapshot} holds them
 * with the kinds actually observed; {@link io.stagingcanary.diff.Diff#compare} (ledger vs snapshot)
 * or {@link io.stagingcanary.diff.Diff#between} (baseline vs later snapshot) give a {@link
 * io.stagingcanary.diff.DiffResult}, which {@link io.stagingcanary.diff.TextRenderer}, {@link
 * io.stagingcanary.diff.MarkdownRenderer} and {@link io.stagingcanary.diff.JsonRenderer} print,
 * grouped by tenant and namespace ({@link io.stagingcanary.diff.GroupedDiff}).
 *
 * <p>Rule of the diff: what the agent set must still be there (subset rule, see {@code Subset});
 * what others added is ignored; fields in {@code VolatileFields} are never compared.
 */
package io.stagingcanary.diff;
