-- Ops-tool runs (CI gate and in-cluster Jobs) with their stored verdict, and deployments of ops tools.
-- Portable SQL for H2 2.x and PostgreSQL 15+.

CREATE TABLE tool_run (
    run_id         VARCHAR(64)              NOT NULL,
    cluster_id     VARCHAR(253)             NOT NULL,
    tool           VARCHAR(253)             NOT NULL,
    tool_version   VARCHAR(253)             NOT NULL,
    git_commit     VARCHAR(253),
    pipeline_url   TEXT,
    policy         VARCHAR(253),
    run_source     VARCHAR(16)              NOT NULL,
    job_namespace  VARCHAR(253),
    job_name       VARCHAR(253),
    job_uid        VARCHAR(64),
    run_status     VARCHAR(16)              NOT NULL,
    verdict        VARCHAR(16),
    started_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    completed_at   TIMESTAMP WITH TIME ZONE,
    exit_code      INTEGER,
    violations     INTEGER,
    headline       TEXT,
    baseline_json  TEXT                     NOT NULL,
    result_json    TEXT,
    report_text    TEXT,
    report_markdown TEXT,
    report_junit   TEXT,
    CONSTRAINT pk_tool_run PRIMARY KEY (run_id)
);

CREATE INDEX ix_tool_run_tool ON tool_run (tool, started_at);
CREATE INDEX ix_tool_run_job ON tool_run (job_uid);

-- A changed pod-template image of a CronJob or Deployment labelled stagingcanary.io/ops-tool.
CREATE TABLE tool_deployment (
    deployment_id VARCHAR(64)              NOT NULL,
    cluster_id    VARCHAR(253)             NOT NULL,
    tool          VARCHAR(253)             NOT NULL,
    kind          VARCHAR(64)              NOT NULL,
    namespace     VARCHAR(253)             NOT NULL,
    name          VARCHAR(253)             NOT NULL,
    old_image     TEXT,
    new_image     TEXT                     NOT NULL,
    deployed_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_tool_deployment PRIMARY KEY (deployment_id)
);

CREATE INDEX ix_tool_deployment_object ON tool_deployment (cluster_id, kind, namespace, name, deployed_at);
