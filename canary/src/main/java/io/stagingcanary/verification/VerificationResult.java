package io.stagingcanary.verification;

import io.stagingcanary.diff.StatusType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What one full verification found. */
public record VerificationResult(
    Instant at,
    Duration took,
    int requests,
    AgentState state,
    Map<StatusType, Integer> byState,
    List<String> unobservedKinds,
    List<String> openedIncidents) {}
