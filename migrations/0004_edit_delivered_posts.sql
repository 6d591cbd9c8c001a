-- After a moderator corrects an event, its posts already sent are edited to match: set in the
-- edit's transaction, cleared once the message is edited (or cannot be).
ALTER TABLE deliveries ADD COLUMN edit_due INTEGER NOT NULL DEFAULT 0 CHECK (edit_due IN (0, 1));
CREATE INDEX deliveries_edit_due ON deliveries (edit_due) WHERE edit_due = 1;
