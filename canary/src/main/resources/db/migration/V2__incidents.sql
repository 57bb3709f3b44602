-- Incidents: changes to sentinels grouped within one window, with their rendered diff.
-- Portable SQL for H2 2.x and PostgreSQL 15+.

CREATE TABLE incident (
    incident_id   VARCHAR(64)              NOT NULL,
    cluster_id    VARCHAR(253)             NOT NULL,
    cluster_name  VARCHAR(253)             NOT NULL,
    incident_type VARCHAR(32)              NOT NULL,
    detected_by   VARCHAR(32)              NOT NULL,
    opened_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    sealed_at     TIMESTAMP WITH TIME ZONE,
    resolved_at   TIMESTAMP WITH TIME ZONE,
    blind_from    TIMESTAMP WITH TIME ZONE,
    blind_to      TIMESTAMP WITH TIME ZONE,
    headline      TEXT                     NOT NULL,
    diff_text     TEXT                     NOT NULL,
    diff_markdown TEXT                     NOT NULL,
    diff_json     TEXT                     NOT NULL,
    CONSTRAINT pk_incident PRIMARY KEY (incident_id)
);

CREATE INDEX ix_incident_cluster ON incident (cluster_id, opened_at);

-- The sentinels of an incident and what happened to each (latest status while the incident is open).
CREATE TABLE incident_item (
    incident_id VARCHAR(64)  NOT NULL,
    api_version VARCHAR(253) NOT NULL,
    kind        VARCHAR(253) NOT NULL,
    namespace   VARCHAR(253) NOT NULL,
    name        VARCHAR(253) NOT NULL,
    set_name    VARCHAR(253) NOT NULL,
    tenant      VARCHAR(253) NOT NULL,
    status      VARCHAR(16)  NOT NULL,
    detail      TEXT         NOT NULL,
    CONSTRAINT pk_incident_item PRIMARY KEY (incident_id, api_version, kind, namespace, name),
    CONSTRAINT fk_incident_item_incident FOREIGN KEY (incident_id) REFERENCES incident (incident_id)
);
