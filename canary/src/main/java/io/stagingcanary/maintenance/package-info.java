/**
 * Maintenance windows: declared expected changes, stored in the ledger database, and their API.
 * Must not depend on {@code alerts} or {@code api}.
 */
package io.stagingcanary.maintenance;
