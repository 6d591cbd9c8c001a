-- Candidates: news feed items that read as a layoff, waiting for a moderator (or the
-- operator) to add them as an event, call them the same as a recorded one, or dismiss them.
-- Never events by themselves. One row per article (its link, normalised).
CREATE TABLE candidates (
    id              INTEGER PRIMARY KEY,
    -- The feed source it came from (kept as text: removing the source keeps its candidates).
    source          TEXT NOT NULL,
    title           TEXT NOT NULL,
    link            TEXT NOT NULL,
    -- The link without tracking parameters, fragment or case in scheme and host.
    link_key        TEXT NOT NULL UNIQUE,
    published_at    TEXT NOT NULL,
    -- What the headline was read to say.
    company_id      INTEGER REFERENCES companies (id),
    headcount       INTEGER CHECK (headcount IS NULL OR headcount >= 1),
    percentage      REAL CHECK (percentage IS NULL OR (percentage > 0 AND percentage <= 100)),
    headcount_text  TEXT,
    teams           TEXT,
    location        TEXT,
    -- A recorded event it probably is (same link, or the same company within 3 days).
    near_event_id   INTEGER REFERENCES events (id),
    status          TEXT NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'added', 'same', 'dismissed')),
    -- The event it became, or was the same as.
    event_id        INTEGER REFERENCES events (id),
    handled_by      TEXT,
    handled_at      TEXT,
    created_at      TEXT NOT NULL
) STRICT;
CREATE INDEX candidates_by_status ON candidates (status, id);
