-- Channels are referenced by platform and the platform's own id as text, not by a number:
-- Slack's channel ids were packed into Discord's snowflake column with the top bit set, and
-- its message timestamps stored as microseconds. Both convert exactly here; a DM channel, a
-- thread or another platform's room fits the new columns as it is.
-- `thread` is '' for the channel itself (a thread or forum post's id otherwise), so the
-- (platform, channel, thread) uniques hold without NULLs.

-- Slack's channel numbers back to their ids: bijective base 36 over the 63 low bits.
CREATE TABLE channel_names (number INTEGER PRIMARY KEY, platform TEXT NOT NULL, id TEXT NOT NULL);
WITH RECURSIVE
    numbers(number) AS (SELECT channel_id FROM subscriptions
                        UNION SELECT channel_id FROM deliveries),
    digits(number, rest, id) AS (
        SELECT number, number & 0x7FFFFFFFFFFFFFFF, '' FROM numbers WHERE number < 0
        UNION ALL
        SELECT number, (rest - 1) / 36,
               substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', (rest - 1) % 36 + 1, 1) || id
        FROM digits WHERE rest > 0)
INSERT INTO channel_names (number, platform, id)
SELECT number, 'slack', id FROM digits WHERE rest = 0
UNION ALL
SELECT number, 'discord', CAST(number AS TEXT) FROM numbers WHERE number >= 0;

CREATE TABLE subscriptions_v2 (
    id               INTEGER PRIMARY KEY,
    tenant_id        INTEGER REFERENCES tenants (id),
    platform         TEXT NOT NULL CHECK (platform IN ('discord', 'slack')),
    channel          TEXT NOT NULL CHECK (channel != ''),
    thread           TEXT NOT NULL DEFAULT '',
    company_id       INTEGER REFERENCES companies (id),
    industry         TEXT,
    country          TEXT,
    min_people       INTEGER CHECK (min_people IS NULL OR min_people >= 1),
    mode             TEXT NOT NULL DEFAULT 'each' CHECK (mode IN ('each', 'daily', 'weekly')),
    mode_since       TEXT,
    mention_role     INTEGER,
    crosspost        INTEGER NOT NULL DEFAULT 0 CHECK (crosspost IN (0, 1)),
    filings          INTEGER NOT NULL DEFAULT 0 CHECK (filings IN (0, 1)),
    digest_through   TEXT,
    last_post_at     TEXT,
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    disabled_reason  TEXT,
    removed_at       TEXT,
    created_by       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (platform, channel, thread)
) STRICT;

INSERT INTO subscriptions_v2 (id, tenant_id, platform, channel, company_id, industry, country,
                              min_people, mode, mode_since, mention_role, crosspost, filings,
                              digest_through, last_post_at, active, disabled_reason,
                              removed_at, created_by, created_at, updated_at)
SELECT s.id, s.tenant_id, n.platform, n.id, s.company_id, s.industry, s.country, s.min_people,
       s.mode, s.mode_since, s.mention_role, s.crosspost, s.filings, s.digest_through,
       s.last_post_at, s.active, s.disabled_reason, s.removed_at, s.created_by, s.created_at,
       s.updated_at
FROM subscriptions s JOIN channel_names n ON n.number = s.channel_id;

-- Deliveries reference subscriptions: they are set aside while the parent table is replaced.
CREATE TABLE deliveries_old AS SELECT * FROM deliveries;
DROP TABLE deliveries;
DROP TABLE subscriptions;
ALTER TABLE subscriptions_v2 RENAME TO subscriptions;
CREATE INDEX subscriptions_tenant ON subscriptions (tenant_id);

CREATE TABLE deliveries (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT NOT NULL CHECK (kind IN ('event', 'filing', 'digest', 'test')),
    key                 TEXT NOT NULL,
    event_id            INTEGER REFERENCES events (id),
    filing_id           INTEGER REFERENCES filings (id),
    period_start        TEXT,
    period_end          TEXT,
    subscription_id     INTEGER NOT NULL REFERENCES subscriptions (id),
    platform            TEXT NOT NULL CHECK (platform IN ('discord', 'slack')),
    channel             TEXT NOT NULL CHECK (channel != ''),
    thread              TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'sent', 'dead')),
    attempts            INTEGER NOT NULL DEFAULT 0,
    next_attempt_at     TEXT NOT NULL,
    last_error          TEXT,
    -- The platform's id of the sent message: a snowflake, or Slack's timestamp.
    message             TEXT,
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
    UNIQUE (platform, channel, thread, key),
    CHECK (kind != 'event' OR event_id IS NOT NULL),
    CHECK (kind != 'filing' OR filing_id IS NOT NULL),
    CHECK (kind != 'digest' OR (period_start IS NOT NULL AND period_end IS NOT NULL))
) STRICT;

INSERT INTO deliveries (id, kind, key, event_id, filing_id, period_start, period_end,
                        subscription_id, platform, channel, status, attempts, next_attempt_at,
                        last_error, message, sent_at, created_at, leased_until, edit_due,
                        edit_attempts, edit_next_at, edit_error, crosspost_state,
                        crosspost_attempts, crosspost_next_at, crosspost_error)
SELECT d.id, d.kind, d.key, d.event_id, d.filing_id, d.period_start, d.period_end,
       d.subscription_id, n.platform, n.id, d.status, d.attempts, d.next_attempt_at,
       d.last_error,
       CASE WHEN d.message_id IS NULL THEN NULL
            WHEN n.platform = 'slack'
                THEN printf('%d.%06d', d.message_id / 1000000, d.message_id % 1000000)
            ELSE CAST(d.message_id AS TEXT) END,
       d.sent_at, d.created_at, d.leased_until, d.edit_due, d.edit_attempts, d.edit_next_at,
       d.edit_error, d.crosspost_state, d.crosspost_attempts, d.crosspost_next_at,
       d.crosspost_error
FROM deliveries_old d JOIN channel_names n ON n.number = d.channel_id;

DROP TABLE deliveries_old;
DROP TABLE channel_names;
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_channel_pending ON deliveries (platform, channel, thread, status);
CREATE INDEX deliveries_event ON deliveries (event_id) WHERE event_id IS NOT NULL;
CREATE INDEX deliveries_edit_due ON deliveries (edit_due) WHERE edit_due = 1;
CREATE INDEX deliveries_crosspost_due ON deliveries (crosspost_state) WHERE crosspost_state = 1;
