-- On-call state of ops-tool runs: who acknowledged a run's violation and why, and which incidents a
-- run caused (a loss merged into the run's ToolRunViolation instead of paging on its own).
-- Portable SQL for H2 2.x and PostgreSQL 15+.

CREATE TABLE tool_run_acknowledgement (
    run_id          VARCHAR(64)              NOT NULL,
    acknowledged_by VARCHAR(200)             NOT NULL,
    reason          TEXT                     NOT NULL,
    acknowledged_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_tool_run_acknowledgement PRIMARY KEY (run_id),
    CONSTRAINT fk_tool_run_acknowledgement_run FOREIGN KEY (run_id) REFERENCES tool_run (run_id)
);

CREATE TABLE tool_run_incident (
    run_id      VARCHAR(64)              NOT NULL,
    incident_id VARCHAR(200)             NOT NULL,
    linked_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_tool_run_incident PRIMARY KEY (run_id, incident_id),
    CONSTRAINT fk_tool_run_incident_run FOREIGN KEY (run_id) REFERENCES tool_run (run_id)
);

CREATE INDEX ix_tool_run_incident_incident ON tool_run_incident (incident_id);
