-- Sources: URLs the operator names (CLI), fetched on a schedule by the running bot and
-- imported into the global record like `import` does. One row a source, with what its last
-- sync did, its conditional-GET validators, when the next try is, and a lease so that two
-- processes never sync the same source at once.
CREATE TABLE sources (
    id              INTEGER PRIMARY KEY,
    -- A short slug: lowercase letters, digits and dashes.
    name            TEXT NOT NULL UNIQUE,
    url             TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('csv', 'warn', 'feed')),
    every_secs      INTEGER NOT NULL CHECK (every_secs >= 900),
    announce        INTEGER NOT NULL DEFAULT 0 CHECK (announce IN (0, 1)),
    -- Feeds: the operator's words that also make a headline read as a layoff, comma-separated.
    words           TEXT,
    added_at        TEXT NOT NULL,
    -- Validators of the last body imported, sent back as If-None-Match / If-Modified-Since.
    etag            TEXT,
    last_modified   TEXT,
    -- Syncs that imported a body: the first one is a backfill and never announces.
    imported_syncs  INTEGER NOT NULL DEFAULT 0,
    last_sync_at    TEXT,
    -- 'imported' (a body was imported, or a feed read), 'unchanged' (a 304) or 'failed'.
    last_outcome    TEXT CHECK (last_outcome IN ('imported', 'unchanged', 'failed')),
    -- What the last sync that imported found, as the CLI prints it.
    last_counts     TEXT,
    last_error      TEXT,
    last_error_at   TEXT,
    -- Failures in a row: the back-off grows with them.
    failures        INTEGER NOT NULL DEFAULT 0,
    next_at         TEXT NOT NULL,
    lease_owner     TEXT,
    lease_until     TEXT
) STRICT;
