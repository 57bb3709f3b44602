package io.stagingcanary.runs;

import java.time.Instant;

/**
 * Published synchronously, inside the transaction that stores a FAIL verdict, so that a listener
 * writing to the ledger database (the alert outbox) commits or rolls back with the verdict.
 *
 * @param summary one line: tool, version and what it broke
 * @param text the verdict and grouped diff as plain text
 * @param markdown the same as Markdown
 * @param json the verdict as JSON (violations, grouped diff)
 */
public record ToolRunFailed(
    String runId,
    String tool,
    String toolVersion,
    String clusterName,
    String clusterId,
    String summary,
    String text,
    String markdown,
    String json,
    int violations,
    Instant failedAt) {}
