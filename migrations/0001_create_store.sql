-- The layoff store: companies and their aliases, layoff events with an audit trail,
-- channel subscriptions and the outbox of deliveries to them.
-- Times are UTC RFC 3339 text; dates are YYYY-MM-DD text; Discord ids are INTEGER.

-- A company, found by its normalised key ("Amazon.com, Inc." and "AMAZON" share "amazon").
CREATE TABLE companies (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    key         TEXT NOT NULL UNIQUE,
    industry    TEXT,
    country     TEXT,
    created_at  TEXT NOT NULL
) STRICT;

-- Other names of a company (AWS -> Amazon). A key is a company's or an alias's, never both.
CREATE TABLE company_aliases (
    key         TEXT PRIMARY KEY,
    alias       TEXT NOT NULL,
    company_id  INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE
) STRICT;
CREATE INDEX company_aliases_company ON company_aliases (company_id);

-- Bumped by triggers on every change to names, so a process can tell when its in-memory
-- autocomplete index is stale (the CLI may import while the bot runs).
CREATE TABLE names_version (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  INTEGER NOT NULL
) STRICT;
INSERT INTO names_version (id, version) VALUES (1, 0);
CREATE TRIGGER companies_ai AFTER INSERT ON companies BEGIN UPDATE names_version SET version = version + 1; END;
CREATE TRIGGER companies_au AFTER UPDATE OF name, key ON companies BEGIN UPDATE names_version SET version = version + 1; END;
CREATE TRIGGER companies_ad AFTER DELETE ON companies BEGIN UPDATE names_version SET version = version + 1; END;
CREATE TRIGGER aliases_ai AFTER INSERT ON company_aliases BEGIN UPDATE names_version SET version = version + 1; END;
CREATE TRIGGER aliases_au AFTER UPDATE ON company_aliases BEGIN UPDATE names_version SET version = version + 1; END;
CREATE TRIGGER aliases_ad AFTER DELETE ON company_aliases BEGIN UPDATE names_version SET version = version + 1; END;

-- One reported layoff. Headcount as reported: an exact number, or the wording used when no
-- number was given ("hundreds"), or neither (unknown).
CREATE TABLE events (
    id              INTEGER PRIMARY KEY,
    company_id      INTEGER NOT NULL REFERENCES companies (id),
    announced_on    TEXT NOT NULL,
    headcount       INTEGER CHECK (headcount IS NULL OR headcount >= 1),
    headcount_text  TEXT,
    percentage      REAL CHECK (percentage IS NULL OR (percentage > 0 AND percentage <= 100)),
    teams           TEXT,
    location        TEXT,
    source          TEXT,
    notes           TEXT,
    -- NULL: global; otherwise the Discord guild the event belongs to.
    guild_id        INTEGER,
    added_by        TEXT NOT NULL,
    added_at        TEXT NOT NULL,
    updated_by      TEXT,
    updated_at      TEXT,
    deleted_by      TEXT,
    deleted_at      TEXT,
    -- company key | date | headcount | percentage | location: what makes two rows one event.
    fingerprint     TEXT NOT NULL
) STRICT;
CREATE INDEX events_company_date ON events (company_id, announced_on DESC, id DESC);
CREATE INDEX events_date ON events (announced_on DESC, id DESC);
CREATE INDEX events_fingerprint ON events (fingerprint);

-- Every insert, edit and delete of an event: who, when, and what changed (JSON).
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    event_id  INTEGER NOT NULL REFERENCES events (id),
    action    TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    actor     TEXT NOT NULL,
    at        TEXT NOT NULL,
    changes   TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_event ON audit_log (event_id);

-- A channel that receives posts about new events, optionally for one company only.
CREATE TABLE subscriptions (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    channel_id       INTEGER NOT NULL UNIQUE,
    company_id       INTEGER REFERENCES companies (id),
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    disabled_reason  TEXT,
    created_by       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX subscriptions_guild ON subscriptions (guild_id);

-- The outbox: one row per (event, channel), written in the event's transaction.
CREATE TABLE deliveries (
    id               INTEGER PRIMARY KEY,
    event_id         INTEGER NOT NULL REFERENCES events (id),
    subscription_id  INTEGER NOT NULL REFERENCES subscriptions (id),
    channel_id       INTEGER NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sent', 'dead')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT,
    message_id       INTEGER,
    sent_at          TEXT,
    created_at       TEXT NOT NULL,
    UNIQUE (event_id, channel_id)
) STRICT;
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
