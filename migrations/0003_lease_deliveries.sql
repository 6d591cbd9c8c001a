-- A delivery being sent is leased: claimed by the worker until this time. A lease left by a
-- process that died is released at the next start, and the post is retried with the same
-- nonce, so Discord (enforce_nonce) does not post it twice.
ALTER TABLE deliveries ADD COLUMN leased_until TEXT;
CREATE INDEX deliveries_channel_pending ON deliveries (channel_id, status);
