-- Incident items keep their verdict as data: the reasons (JSON array of strings), the field changes
-- (JSON array of {path, before, after, reason}) and, for a replaced object, both uids. V42 fills
-- them for incidents recorded before; V43 drops the pre-rendered columns.
-- Portable SQL for H2 2.x and PostgreSQL 15+.

ALTER TABLE incident_item ADD COLUMN reasons TEXT DEFAULT '[]' NOT NULL;
ALTER TABLE incident_item ADD COLUMN field_changes TEXT DEFAULT '[]' NOT NULL;
ALTER TABLE incident_item ADD COLUMN expected_uid VARCHAR(253);
ALTER TABLE incident_item ADD COLUMN actual_uid VARCHAR(253);
