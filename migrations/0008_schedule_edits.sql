-- Edits of sent posts (after a correction or a removal) follow the same rules as posts: a
-- failed edit waits (edit_next_at, doubling) and is given up after a number of attempts, with
-- the reason kept; a row waiting never holds up the edits behind it.
ALTER TABLE deliveries ADD COLUMN edit_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN edit_next_at TEXT;
ALTER TABLE deliveries ADD COLUMN edit_error TEXT;
