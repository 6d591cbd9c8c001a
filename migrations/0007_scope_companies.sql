-- Company names get a scope like events: NULL is the global record (home server moderators,
-- CSV import, built-in aliases); otherwise one tenant's private name, whose unique key is
-- prefixed with the tenant ("discord:123|globex") so that tenants never share a row.
ALTER TABLE companies ADD COLUMN tenant_id INTEGER REFERENCES tenants (id);

-- Companies that only private events ever named (no global event, no alias) become private:
-- one copy per tenant that used the name, each tenant's events moved to its own copy.
CREATE TEMP TABLE private_only AS
SELECT c.id FROM companies c
WHERE EXISTS (SELECT 1 FROM events e WHERE e.company_id = c.id)
  AND NOT EXISTS (SELECT 1 FROM events e WHERE e.company_id = c.id AND e.tenant_id IS NULL)
  AND NOT EXISTS (SELECT 1 FROM company_aliases a WHERE a.company_id = c.id);

INSERT INTO companies (name, key, industry, country, created_at, tenant_id)
SELECT DISTINCT c.name, t.platform || ':' || t.external_id || '|' || c.key, c.industry,
       c.country, c.created_at, t.id
FROM companies c JOIN events e ON e.company_id = c.id JOIN tenants t ON t.id = e.tenant_id
WHERE c.id IN (SELECT id FROM private_only);

UPDATE events SET company_id = (
    SELECT p.id FROM companies c, tenants t, companies p
    WHERE c.id = events.company_id AND t.id = events.tenant_id
      AND p.key = t.platform || ':' || t.external_id || '|' || c.key)
WHERE company_id IN (SELECT id FROM private_only);

-- A subscription filtered on such a name follows its own tenant's copy; one in a tenant
-- that has no copy saw another server's private name: it is disabled and its filter dropped.
UPDATE subscriptions
SET active = 0, disabled_reason = 'its company filter named another server''s private company'
WHERE company_id IN (SELECT id FROM private_only)
  AND NOT EXISTS (
      SELECT 1 FROM companies c, tenants t, companies p
      WHERE c.id = subscriptions.company_id AND t.id = subscriptions.tenant_id
        AND p.key = t.platform || ':' || t.external_id || '|' || c.key);
UPDATE subscriptions SET company_id = (
    SELECT p.id FROM companies c, tenants t, companies p
    WHERE c.id = subscriptions.company_id AND t.id = subscriptions.tenant_id
      AND p.key = t.platform || ':' || t.external_id || '|' || c.key)
WHERE company_id IN (SELECT id FROM private_only);

DELETE FROM companies WHERE id IN (SELECT id FROM private_only);
DROP TABLE private_only;
