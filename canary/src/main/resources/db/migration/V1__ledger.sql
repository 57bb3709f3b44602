-- Portable SQL: must run unchanged on H2 2.x and PostgreSQL 15+.
-- Timestamps are UTC with microsecond precision; TEXT is CLOB on H2 and text on PostgreSQL.

CREATE TABLE cluster (
    cluster_id    VARCHAR(253)             NOT NULL,
    cluster_name  VARCHAR(253)             NOT NULL,
    first_seen_at TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_cluster PRIMARY KEY (cluster_id)
);

-- One row per sentinel object seeded into a cluster.
-- namespace is '' for cluster-scoped objects so that it can be part of the primary key.
CREATE TABLE ledger_entry (
    cluster_id       VARCHAR(253)             NOT NULL,
    api_version      VARCHAR(253)             NOT NULL,
    kind             VARCHAR(253)             NOT NULL,
    namespace        VARCHAR(253)             NOT NULL,
    name             VARCHAR(253)             NOT NULL,
    set_name         VARCHAR(253)             NOT NULL,
    tenant           VARCHAR(253)             NOT NULL,
    uid              VARCHAR(64),
    resource_version VARCHAR(64),
    fingerprint      VARCHAR(64)              NOT NULL,
    manifest         TEXT                     NOT NULL,
    seeded_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    generation       INTEGER                  NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_ledger_entry PRIMARY KEY (cluster_id, api_version, kind, namespace, name),
    CONSTRAINT ck_ledger_entry_generation CHECK (generation >= 1)
);

CREATE INDEX ix_ledger_entry_cluster_set ON ledger_entry (cluster_id, set_name);
