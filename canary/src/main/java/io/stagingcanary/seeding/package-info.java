/**
 * Seeding: creates sentinels through the one guarded mutation path ({@code GuardedMutations}:
 * sentinel label and ledger uid) and records them in the ledger. Must not depend on {@code api}.
 */
package io.stagingcanary.seeding;
