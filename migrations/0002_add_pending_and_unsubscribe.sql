-- Moderator additions that wait for "Add anyway" (a nearby event exists), kept in the store so
-- that the buttons still work after a restart; and unsubscribing, which keeps delivery history.

CREATE TABLE pending_additions (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    -- The command's raw options as JSON, validated again on confirmation.
    payload     TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;

-- Set when a moderator unsubscribes; subscribing again clears it.
ALTER TABLE subscriptions ADD COLUMN removed_at TEXT;
