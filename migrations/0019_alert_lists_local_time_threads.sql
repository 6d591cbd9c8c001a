-- Alerts where and when each community wants them: filters that take lists of values and
-- exclusions, digests at a local hour (a time zone and a weekday), a thread under each post,
-- and forum channels. Every existing subscription keeps its meaning: its one company, industry
-- and country become one-value lists, its digests stay at the operator's UTC hour on Mondays.

-- The companies a subscription names: included (any of them matches) or excluded. A table,
-- not a list in a column, so merging two companies moves them like every other reference.
CREATE TABLE subscription_companies (
    subscription_id  INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    company_id       INTEGER NOT NULL REFERENCES companies (id),
    excluded         INTEGER NOT NULL DEFAULT 0 CHECK (excluded IN (0, 1)),
    -- The order the moderator typed them, for lists.
    position         INTEGER NOT NULL,
    PRIMARY KEY (subscription_id, company_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX subscription_companies_company ON subscription_companies (company_id);

INSERT INTO subscription_companies (subscription_id, company_id, excluded, position)
SELECT id, company_id, 0, 0 FROM subscriptions WHERE company_id IS NOT NULL;

-- Industries and countries as JSON arrays of names as the record spells them ('[]': any).
ALTER TABLE subscriptions ADD COLUMN industries TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(industries) AND json_type(industries) = 'array');
ALTER TABLE subscriptions ADD COLUMN countries TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(countries) AND json_type(countries) = 'array');
ALTER TABLE subscriptions ADD COLUMN exclude_industries TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(exclude_industries) AND json_type(exclude_industries) = 'array');
UPDATE subscriptions SET industries = json_array(industry) WHERE industry IS NOT NULL;
UPDATE subscriptions SET countries = json_array(country) WHERE country IS NOT NULL;
-- The single-value columns are superseded by the lists above: emptied so nothing reads a
-- stale copy (company_id stays as a column: SQLite cannot drop a referencing column).
UPDATE subscriptions SET company_id = NULL, industry = NULL, country = NULL;

-- When digests arrive: the hour (NULL: the operator's DIGEST_HOUR_UTC), in a time zone (an
-- IANA name; NULL: UTC), and for weekly digests the weekday (0 Monday .. 6 Sunday; NULL: Monday).
ALTER TABLE subscriptions ADD COLUMN digest_hour INTEGER
    CHECK (digest_hour IS NULL OR digest_hour BETWEEN 0 AND 23);
ALTER TABLE subscriptions ADD COLUMN timezone TEXT;
ALTER TABLE subscriptions ADD COLUMN weekday INTEGER CHECK (weekday IS NULL OR weekday BETWEEN 0 AND 6);

-- Discord only: a public thread under each post (archived after thread_archive minutes), and
-- whether the channel is a forum (or media) channel, where each post is a forum post.
ALTER TABLE subscriptions ADD COLUMN threads INTEGER NOT NULL DEFAULT 0 CHECK (threads IN (0, 1));
ALTER TABLE subscriptions ADD COLUMN thread_archive INTEGER NOT NULL DEFAULT 1440
    CHECK (thread_archive IN (60, 1440, 4320, 10080));
ALTER TABLE subscriptions ADD COLUMN forum INTEGER NOT NULL DEFAULT 0 CHECK (forum IN (0, 1));

-- Opening the thread under a sent post is a follow-up like a crosspost: retried on its own
-- schedule (0 none, 1 due, 2 done or given up).
ALTER TABLE deliveries ADD COLUMN thread_state INTEGER NOT NULL DEFAULT 0 CHECK (thread_state IN (0, 1, 2));
ALTER TABLE deliveries ADD COLUMN thread_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN thread_next_at TEXT;
ALTER TABLE deliveries ADD COLUMN thread_error TEXT;
CREATE INDEX deliveries_thread_due ON deliveries (thread_state) WHERE thread_state = 1;
