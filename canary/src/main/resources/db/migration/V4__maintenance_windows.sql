-- Maintenance windows: changes to matching sentinels inside a window are recorded but not paged.
-- Rows are never removed: ended and deleted windows are the audit trail.
-- Portable SQL for H2 2.x and PostgreSQL 15+.

CREATE TABLE maintenance_window (
    window_id        VARCHAR(64)              NOT NULL,
    starts_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    ends_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    reason           TEXT                     NOT NULL,
    mode             VARCHAR(16)              NOT NULL,
    match_sets       TEXT                     NOT NULL,
    match_tenants    TEXT                     NOT NULL,
    match_namespaces TEXT                     NOT NULL,
    match_kinds      TEXT                     NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    deleted_at       TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_maintenance_window PRIMARY KEY (window_id)
);

CREATE INDEX ix_maintenance_window_ends ON maintenance_window (ends_at);
