-- Slack request signatures seen within their 5-minute window, kept in the store so that a
-- captured request is refused again after a restart. Rows older than the window are pruned.
CREATE TABLE slack_signatures (
    signature TEXT PRIMARY KEY,
    -- The request's own timestamp (seconds since the epoch).
    signed_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX slack_signatures_by_time ON slack_signatures (signed_at);
