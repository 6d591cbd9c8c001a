-- One layoff, one event: what several sources say about the same cut is merged into one event.
-- Its sources beyond the first, oldest first, as a JSON array of strings (NULL: none).
ALTER TABLE events ADD COLUMN more_sources TEXT;

-- Fingerprints of import rows merged into an event, so that importing such a row again is a
-- duplicate, not a second merge.
CREATE TABLE merged_rows (
    fingerprint  TEXT NOT NULL,
    event_id     INTEGER NOT NULL REFERENCES events (id)
) STRICT;
CREATE INDEX merged_rows_fingerprint ON merged_rows (fingerprint);

-- Curators' changes to companies (aliases, merges), which audit_log (per event) cannot hold.
CREATE TABLE company_changes (
    id       INTEGER PRIMARY KEY,
    action   TEXT NOT NULL CHECK (action IN ('alias', 'merge')),
    actor    TEXT NOT NULL,
    at       TEXT NOT NULL,
    changes  TEXT NOT NULL
) STRICT;

-- An import run's rows merged into events, and rows held back as probable duplicates.
ALTER TABLE import_runs ADD COLUMN merged INTEGER NOT NULL DEFAULT 0;
ALTER TABLE import_runs ADD COLUMN probable INTEGER NOT NULL DEFAULT 0;
