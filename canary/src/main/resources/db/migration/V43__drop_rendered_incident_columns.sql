-- Incidents are rendered when read or alerted (text, Markdown, JSON): the pre-rendered columns and
-- the items' one-line detail go, now that V42 moved what they held into the item columns of V41.
-- Portable SQL for H2 2.x and PostgreSQL 15+.

ALTER TABLE incident DROP COLUMN diff_text;
ALTER TABLE incident DROP COLUMN diff_markdown;
ALTER TABLE incident DROP COLUMN diff_json;
ALTER TABLE incident_item DROP COLUMN detail;
