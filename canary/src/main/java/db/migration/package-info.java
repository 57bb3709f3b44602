/**
 * Flyway's Java migrations (found by Flyway in {@code db/migration}, next to the SQL ones): a
 * schema change whose data move needs code. Each reads and writes its own tables only.
 */
package db.migration;
