-- Tenants: who owns private events, subscriptions and held additions. Today a Discord server;
-- a Slack workspace (string ids such as T024BE7LD) is one more row, never a migration of events.
-- Existing Discord guild ids (stored as INTEGER) move here as decimal text.
CREATE TABLE tenants (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL CHECK (platform IN ('discord', 'slack')),
    external_id  TEXT NOT NULL,
    UNIQUE (platform, external_id)
) STRICT;

INSERT OR IGNORE INTO tenants (platform, external_id)
SELECT 'discord', CAST(guild_id AS TEXT) FROM events WHERE guild_id IS NOT NULL
UNION SELECT 'discord', CAST(guild_id AS TEXT) FROM subscriptions
UNION SELECT 'discord', CAST(guild_id AS TEXT) FROM pending_additions;

-- Events: NULL is the global record, as guild_id was.
ALTER TABLE events ADD COLUMN tenant_id INTEGER REFERENCES tenants (id);
UPDATE events SET tenant_id = (SELECT t.id FROM tenants t
                               WHERE t.platform = 'discord'
                                 AND t.external_id = CAST(events.guild_id AS TEXT))
WHERE guild_id IS NOT NULL;
ALTER TABLE events DROP COLUMN guild_id;

-- Subscriptions always have a tenant (SQLite cannot add a NOT NULL reference; the store
-- always writes it).
ALTER TABLE subscriptions ADD COLUMN tenant_id INTEGER REFERENCES tenants (id);
UPDATE subscriptions SET tenant_id = (SELECT t.id FROM tenants t
                                      WHERE t.platform = 'discord'
                                        AND t.external_id = CAST(subscriptions.guild_id AS TEXT));
DROP INDEX subscriptions_guild;
ALTER TABLE subscriptions DROP COLUMN guild_id;
CREATE INDEX subscriptions_tenant ON subscriptions (tenant_id);

-- Held additions: the tenant, and the moderator as an actor ("discord:<user id>").
ALTER TABLE pending_additions ADD COLUMN tenant_id INTEGER REFERENCES tenants (id);
ALTER TABLE pending_additions ADD COLUMN actor TEXT;
UPDATE pending_additions
SET tenant_id = (SELECT t.id FROM tenants t
                 WHERE t.platform = 'discord'
                   AND t.external_id = CAST(pending_additions.guild_id AS TEXT)),
    actor = 'discord:' || CAST(user_id AS TEXT);
ALTER TABLE pending_additions DROP COLUMN guild_id;
ALTER TABLE pending_additions DROP COLUMN user_id;
