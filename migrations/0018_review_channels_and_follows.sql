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

-- Follows: a person's own alerts by direct message about one company. Only what delivery
-- needs is kept: the platform's user id, the company, and the tenant where the follow was made
-- (its private events are seen too; NULL: made in a DM, the global record only).
CREATE TABLE follows (
    id          INTEGER PRIMARY KEY,
    platform    TEXT NOT NULL CHECK (platform IN ('discord', 'slack')),
    user_id     TEXT NOT NULL CHECK (user_id != ''),
    company_id  INTEGER NOT NULL REFERENCES companies (id),
    tenant_id   INTEGER REFERENCES tenants (id),
    UNIQUE (platform, user_id, company_id)
) STRICT;
CREATE INDEX follows_company ON follows (company_id);

-- A person whose DMs the platform refused (closed, the bot blocked): their follows wait until
-- they use `/layoffs-follow list`; `told` once they were told why on their next command.
CREATE TABLE follow_pauses (
    platform    TEXT NOT NULL CHECK (platform IN ('discord', 'slack')),
    user_id     TEXT NOT NULL,
    reason      TEXT NOT NULL,
    told        INTEGER NOT NULL DEFAULT 0 CHECK (told IN (0, 1)),
    PRIMARY KEY (platform, user_id)
) STRICT;

-- Who settled a candidate as people saw them (the audit keeps `handled_by`, the actor id).
ALTER TABLE candidates ADD COLUMN handled_by_name TEXT;

-- Deliveries are rebuilt for two kinds without a subscription: `review`, a candidate's post
-- in a review channel, and `follow`, an event's DM to a person who follows its company. A
-- follow's row names the person as its channel ('@' and their id: exactly once per person and
-- event) and keeps the DM channel it was posted in (`dm_channel`).
CREATE TABLE deliveries_v3 (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT NOT NULL
                        CHECK (kind IN ('event', 'filing', 'digest', 'test', 'review', 'follow')),
    key                 TEXT NOT NULL,
    event_id            INTEGER REFERENCES events (id),
    filing_id           INTEGER REFERENCES filings (id),
    candidate_id        INTEGER REFERENCES candidates (id),
    period_start        TEXT,
    period_end          TEXT,
    subscription_id     INTEGER REFERENCES subscriptions (id),
    review_channel_id   INTEGER REFERENCES review_channels (id),
    follow_id           INTEGER REFERENCES follows (id),
    dm_channel          TEXT,
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
    CHECK ((kind = 'follow') = (follow_id IS NOT NULL AND event_id IS NOT NULL)),
    CHECK (kind IN ('review', 'follow') OR subscription_id IS NOT NULL)
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
CREATE INDEX deliveries_follow ON deliveries (follow_id) WHERE follow_id IS NOT NULL;
