/**
 * Snapshots of what the cluster holds, from informer caches or paginated LISTs, mapped into {@code
 * diff} records. Reads only.
 */
package io.stagingcanary.inventory;
