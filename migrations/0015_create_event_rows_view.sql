-- An event as every read shows it: with its company's name and facts and its tenant's ids.
-- Reads select from this view, so the joins and the column list are written once; SQLite
-- flattens it into each query, which still walks the same indexes.
CREATE VIEW event_rows AS
SELECT e.id, e.company_id, c.name AS company, e.announced_on, e.headcount, e.headcount_text,
       e.percentage, e.teams, e.location, e.source, e.more_sources, e.notes,
       t.platform AS tenant_platform, t.external_id AS tenant_external, e.tenant_id,
       e.added_by, e.added_at, e.updated_at, e.deleted_at, c.industry, c.country
FROM events e JOIN companies c ON c.id = e.company_id
     LEFT JOIN tenants t ON t.id = e.tenant_id;
