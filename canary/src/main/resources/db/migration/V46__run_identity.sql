-- The Kubernetes username a run's tool acts as (issue 15): the gate report flags changes made
-- during the run by anyone else. Null for runs that did not say. Portable SQL for H2 2.x and
-- PostgreSQL 15+.
ALTER TABLE tool_run ADD COLUMN run_identity VARCHAR(512);
