-- Alerts that fit each community (filters, digests, role pings, crossposts, WARN filings),
-- and an outbox that carries more than event posts.

-- Filters: all given ones must match. industry/country compare folded (case, spacing, a
-- trailing full stop); min_people: an event's known count is at least this.
ALTER TABLE subscriptions ADD COLUMN industry TEXT;
ALTER TABLE subscriptions ADD COLUMN country TEXT;
ALTER TABLE subscriptions ADD COLUMN min_people INTEGER CHECK (min_people IS NULL OR min_people >= 1);
-- each: one post per event; daily/weekly: one digest per period.
ALTER TABLE subscriptions ADD COLUMN mode TEXT NOT NULL DEFAULT 'each'
    CHECK (mode IN ('each', 'daily', 'weekly'));
-- When the mode was last set: a digest never repeats what the channel got one by one.
ALTER TABLE subscriptions ADD COLUMN mode_since TEXT;
-- The only role a post may ping (opted in by a moderator).
ALTER TABLE subscriptions ADD COLUMN mention_role INTEGER;
ALTER TABLE subscriptions ADD COLUMN crosspost INTEGER NOT NULL DEFAULT 0 CHECK (crosspost IN (0, 1));
-- Posts about new WARN filings too (`import --announce`).
ALTER TABLE subscriptions ADD COLUMN filings INTEGER NOT NULL DEFAULT 0 CHECK (filings IN (0, 1));
-- The end of the last digest period handled (sent, or empty and skipped).
ALTER TABLE subscriptions ADD COLUMN digest_through TEXT;
ALTER TABLE subscriptions ADD COLUMN last_post_at TEXT;
UPDATE subscriptions SET mode_since = created_at;
UPDATE subscriptions SET last_post_at = (SELECT max(d.sent_at) FROM deliveries d
                                         WHERE d.subscription_id = subscriptions.id);

-- Deliveries are rebuilt: a row is an event's post, a filing's, a digest for one period, or
-- a test post. `key` names what is posted; (channel, key) is unique, which is what makes each
-- of them exactly once (a digest's key is its mode and period end).
CREATE TABLE deliveries_v2 (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT NOT NULL CHECK (kind IN ('event', 'filing', 'digest', 'test')),
    key                 TEXT NOT NULL,
    event_id            INTEGER REFERENCES events (id),
    filing_id           INTEGER REFERENCES filings (id),
    period_start        TEXT,
    period_end          TEXT,
    subscription_id     INTEGER NOT NULL REFERENCES subscriptions (id),
    channel_id          INTEGER NOT NULL,
    status              TEXT NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'sent', 'dead')),
    attempts            INTEGER NOT NULL DEFAULT 0,
    next_attempt_at     TEXT NOT NULL,
    last_error          TEXT,
    message_id          INTEGER,
    sent_at             TEXT,
    created_at          TEXT NOT NULL,
    leased_until        TEXT,
    edit_due            INTEGER NOT NULL DEFAULT 0 CHECK (edit_due IN (0, 1)),
    edit_attempts       INTEGER NOT NULL DEFAULT 0,
    edit_next_at        TEXT,
    edit_error          TEXT,
    -- Announcement channels: publish after sending (0 none, 1 due, 2 done).
    crosspost_state     INTEGER NOT NULL DEFAULT 0 CHECK (crosspost_state IN (0, 1, 2)),
    crosspost_attempts  INTEGER NOT NULL DEFAULT 0,
    crosspost_next_at   TEXT,
    crosspost_error     TEXT,
    UNIQUE (channel_id, key),
    CHECK (kind != 'event' OR event_id IS NOT NULL),
    CHECK (kind != 'filing' OR filing_id IS NOT NULL),
    CHECK (kind != 'digest' OR (period_start IS NOT NULL AND period_end IS NOT NULL))
) STRICT;

INSERT INTO deliveries_v2 (id, kind, key, event_id, subscription_id, channel_id, status,
                           attempts, next_attempt_at, last_error, message_id, sent_at,
                           created_at, leased_until, edit_due, edit_attempts, edit_next_at,
                           edit_error)
SELECT id, 'event', 'event:' || event_id, event_id, subscription_id, channel_id, status,
       attempts, next_attempt_at, last_error, message_id, sent_at, created_at, leased_until,
       edit_due, edit_attempts, edit_next_at, edit_error
FROM deliveries;

DROP TABLE deliveries;
ALTER TABLE deliveries_v2 RENAME TO deliveries;
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_channel_pending ON deliveries (channel_id, status);
CREATE INDEX deliveries_event ON deliveries (event_id) WHERE event_id IS NOT NULL;
CREATE INDEX deliveries_edit_due ON deliveries (edit_due) WHERE edit_due = 1;
CREATE INDEX deliveries_crosspost_due ON deliveries (crosspost_state) WHERE crosspost_state = 1;
