-- One row the agent rewrites every canary.store.probe-interval: the ledger health probe is a real,
-- cheap write. Portable SQL for H2 2.x and PostgreSQL 15+.

CREATE TABLE ledger_heartbeat (
    heartbeat_id INTEGER                  NOT NULL,
    beat_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    written_by   VARCHAR(253)             NOT NULL,
    CONSTRAINT pk_ledger_heartbeat PRIMARY KEY (heartbeat_id)
);
