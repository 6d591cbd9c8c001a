-- The review queue: a home moderator names a channel where each new candidate (a news item
-- that reads as a layoff) is posted, through the outbox, with Add / Same as #N / Dismiss.
-- One channel per tenant; only home tenants can set one (checked by the service).
CREATE TABLE review_channels (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL UNIQUE REFERENCES tenants (id),
    platform    TEXT NOT NULL CHECK (platform IN ('discord', 'slack')),
    channel     TEXT NOT NULL CHECK (channel != ''),
    set_by      TEXT NOT NULL,
    set_at      TEXT NOT NULL,
    -- `/layoff-review off`: kept, since its posts reference it.
    removed_at  TEXT
) STRICT;

-- Who settled a candidate as people saw them (the audit keeps `handled_by`, the actor id).
ALTER TABLE candidates ADD COLUMN handled_by_name TEXT;

-- Deliveries are rebuilt for a fifth kind, `review`: a candidate's post in a review channel,
-- which belongs to no subscription. Every other kind still has one.
CREATE TABLE deliveries_v3 (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT NOT NULL
                        CHECK (kind IN ('event', 'filing', 'digest', 'test', 'review')),
    key                 TEXT NOT NULL,
    event_id            INTEGER REFERENCES events (id),
    filing_id           INTEGER REFERENCES filings (id),
    candidate_id        INTEGER REFERENCES candidates (id),
    period_start        TEXT,
    period_end          TEXT,
    subscription_id     INTEGER REFERENCES subscriptions (id),
    review_channel_id   INTEGER REFERENCES review_channels (id),
    platform            TEXT NOT NULL CHECK (platform IN ('discord', 'slack')),
    channel             TEXT NOT NULL CHECK (channel != ''),
    thread              TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'sent', 'dead')),
    attempts            INTEGER NOT NULL DEFAULT 0,
    next_attempt_at     TEXT NOT NULL,
    last_error          TEXT,
    message             TEXT,
    sent_at             TEXT,
    created_at          TEXT NOT NULL,
    leased_until        TEXT,
    edit_due            INTEGER NOT NULL DEFAULT 0 CHECK (edit_due IN (0, 1)),
    edit_attempts       INTEGER NOT NULL DEFAULT 0,
    edit_next_at        TEXT,
    edit_error          TEXT,
    crosspost_state     INTEGER NOT NULL DEFAULT 0 CHECK (crosspost_state IN (0, 1, 2)),
    crosspost_attempts  INTEGER NOT NULL DEFAULT 0,
    crosspost_next_at   TEXT,
    crosspost_error     TEXT,
    UNIQUE (platform, channel, thread, key),
    CHECK (kind != 'event' OR event_id IS NOT NULL),
    CHECK (kind != 'filing' OR filing_id IS NOT NULL),
    CHECK (kind != 'digest' OR (period_start IS NOT NULL AND period_end IS NOT NULL)),
    CHECK ((kind = 'review') = (candidate_id IS NOT NULL AND review_channel_id IS NOT NULL)),
    CHECK (kind = 'review' OR subscription_id IS NOT NULL)
) STRICT;

INSERT INTO deliveries_v3 (id, kind, key, event_id, filing_id, period_start, period_end,
                           subscription_id, platform, channel, thread, status, attempts,
                           next_attempt_at, last_error, message, sent_at, created_at,
                           leased_until, edit_due, edit_attempts, edit_next_at, edit_error,
                           crosspost_state, crosspost_attempts, crosspost_next_at,
                           crosspost_error)
SELECT id, kind, key, event_id, filing_id, period_start, period_end, subscription_id,
       platform, channel, thread, status, attempts, next_attempt_at, last_error, message,
       sent_at, created_at, leased_until, edit_due, edit_attempts, edit_next_at, edit_error,
       crosspost_state, crosspost_attempts, crosspost_next_at, crosspost_error
FROM deliveries;

DROP TABLE deliveries;
ALTER TABLE deliveries_v3 RENAME TO deliveries;
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_channel_pending ON deliveries (platform, channel, thread, status);
CREATE INDEX deliveries_event ON deliveries (event_id) WHERE event_id IS NOT NULL;
CREATE INDEX deliveries_edit_due ON deliveries (edit_due) WHERE edit_due = 1;
CREATE INDEX deliveries_crosspost_due ON deliveries (crosspost_state) WHERE crosspost_state = 1;
CREATE INDEX deliveries_candidate ON deliveries (candidate_id) WHERE candidate_id IS NOT NULL;
