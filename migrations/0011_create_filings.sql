-- WARN notices: government filings of mass layoffs, kept apart from press-reported events.
CREATE TABLE filings (
    id              INTEGER PRIMARY KEY,
    state           TEXT NOT NULL,
    agency          TEXT NOT NULL,
    filed_name      TEXT NOT NULL,
    -- The company it belongs to; `matched` = 0: no company matched, so the filing has its own.
    company_id      INTEGER NOT NULL REFERENCES companies (id),
    matched         INTEGER NOT NULL CHECK (matched IN (0, 1)),
    notice_date     TEXT NOT NULL,
    effective_date  TEXT,
    jobs            INTEGER CHECK (jobs IS NULL OR jobs >= 0),
    location        TEXT,
    closure         INTEGER CHECK (closure IN (0, 1)),
    temporary       INTEGER CHECK (temporary IN (0, 1)),
    source_file     TEXT NOT NULL,
    source_line     INTEGER NOT NULL,
    -- state | filed name's key | notice date | location | jobs: one filing.
    dedupe          TEXT NOT NULL UNIQUE,
    added_at        TEXT NOT NULL
) STRICT;
CREATE INDEX filings_company ON filings (company_id, notice_date DESC);
