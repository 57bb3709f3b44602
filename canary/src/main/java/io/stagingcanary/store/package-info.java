/**
 * The ledger database: what was seeded ({@code Ledger}, {@code JdbcLedger}), its health probe,
 * marker and startup check, and connection eviction. Depends only on {@code config}, {@code diff}
 * and {@code platform}.
 */
package io.stagingcanary.store;
