-- Data inside sentinel PVCs: the content the canary wrote and what the last check found.
-- Portable SQL for H2 2.x and PostgreSQL 15+.

CREATE TABLE data_integrity (
    cluster_id      VARCHAR(253)             NOT NULL,
    namespace       VARCHAR(253)             NOT NULL,
    claim           VARCHAR(253)             NOT NULL,
    set_name        VARCHAR(253)             NOT NULL,
    tenant          VARCHAR(253)             NOT NULL,
    claim_uid       VARCHAR(64)              NOT NULL,
    generation      INTEGER                  NOT NULL,
    size_bytes      BIGINT                   NOT NULL,
    expected_sha256 VARCHAR(64)              NOT NULL,
    -- PENDING until the writer reported the expected digest, then WRITTEN; FAILED otherwise.
    write_state     VARCHAR(16)              NOT NULL,
    written_at      TIMESTAMP WITH TIME ZONE,
    -- OK, MISMATCH, MISSING or UNKNOWN; null before the first check.
    check_state     VARCHAR(16),
    check_detail    TEXT,
    checked_at      TIMESTAMP WITH TIME ZONE,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_data_integrity PRIMARY KEY (cluster_id, namespace, claim),
    CONSTRAINT ck_data_integrity_generation CHECK (generation >= 1),
    CONSTRAINT ck_data_integrity_size CHECK (size_bytes > 0)
);
