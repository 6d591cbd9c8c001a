-- One audit record per CSV import run, instead of one audit_log row per imported event: the
-- file, who ran it, when, what it counted, and the range of event ids it added (ids are
-- contiguous within the run's one transaction).
CREATE TABLE import_runs (
    id              INTEGER PRIMARY KEY,
    file            TEXT NOT NULL,
    actor           TEXT NOT NULL,
    at              TEXT NOT NULL,
    rows_read       INTEGER NOT NULL,
    imported        INTEGER NOT NULL,
    duplicates      INTEGER NOT NULL,
    rejected        INTEGER NOT NULL,
    -- NULL when the run added nothing.
    first_event_id  INTEGER,
    last_event_id   INTEGER
) STRICT;
