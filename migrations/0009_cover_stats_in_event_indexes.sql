-- Stats read events by company and by date: both indexes now also hold what stats read
-- (headcount, scope, removal), so that a year, or all time, is index scans with no table
-- lookups and no sorting. Their leading columns are unchanged, so listings use them as before.
DROP INDEX events_company_date;
CREATE INDEX events_company_date
    ON events (company_id, announced_on DESC, id DESC, headcount, tenant_id, deleted_at);
DROP INDEX events_date;
CREATE INDEX events_date
    ON events (announced_on DESC, id DESC, company_id, headcount, tenant_id, deleted_at);
