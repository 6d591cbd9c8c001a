-- /layoffs <company> in one statement: one row, each column JSON (store/company_page.rs).
-- ?1 company, ?2 ?3 the viewer's tenant (platform, external id; NULL for everyone), ?4 from
-- date, ?5 ?6 page limit and offset, ?7 days a filing may lie from an event, ?8 filings listed.
-- The page is cut inside, walking the company's date index as the general read does, and only
-- its events look for a filing. SQLite does not resolve an outer column in a scalar
-- subquery's ORDER BY, hence the filing's distance as a column of its own subquery.
SELECT
    (SELECT json_array(id, name, industry, country) FROM companies
     WHERE id = ?1
       AND (tenant_id IS NULL OR tenant_id =
            (SELECT id FROM tenants WHERE platform = ?2 AND external_id = ?3)))
      AS "company?: String",
    (SELECT json_array(COUNT(*), COALESCE(SUM(headcount), 0),
                       COALESCE(SUM(headcount IS NULL), 0))
     FROM events
     WHERE company_id = ?1 AND deleted_at IS NULL
       AND (tenant_id IS NULL OR tenant_id =
            (SELECT id FROM tenants WHERE platform = ?2 AND external_id = ?3))
       AND announced_on >= ?4) AS "totals!: String",
    (SELECT json_group_array(json_array(
              p.id, p.company_id, p.company, p.announced_on, p.headcount,
              p.headcount_text, p.percentage, p.teams, p.location, p.source,
              p.more_sources, p.notes, p.tenant_platform, p.tenant_external,
              p.tenant_id, p.added_by, p.added_at, p.updated_at, p.deleted_at,
              p.industry, p.country,
              json((SELECT n.filing
                    FROM (SELECT json_array(f.state, f.notice_date, f.jobs,
                                            f.location) AS filing,
                                 abs(julianday(f.notice_date)
                                     - julianday(p.announced_on)) AS apart,
                                 f.id AS filing_id
                          FROM filings f
                          WHERE f.company_id = p.company_id
                            AND julianday(f.notice_date)
                                BETWEEN julianday(p.announced_on) - ?7
                                    AND julianday(p.announced_on) + ?7) n
                    ORDER BY n.apart, n.filing_id LIMIT 1)))
            ORDER BY p.announced_on DESC, p.id DESC)
     FROM (SELECT * FROM event_rows e
           WHERE e.company_id = ?1 AND e.deleted_at IS NULL
             AND (e.tenant_id IS NULL OR e.tenant_id =
                  (SELECT id FROM tenants WHERE platform = ?2 AND external_id = ?3))
             AND e.announced_on >= ?4
           ORDER BY e.announced_on DESC, e.id DESC
           LIMIT CAST(?5 AS INTEGER) OFFSET ?6) p) AS "page!: String",
    (SELECT json_array(COUNT(*), COALESCE(SUM(jobs), 0)) FROM filings
     WHERE company_id = ?1) AS "filings!: String",
    (SELECT json_group_array(json_array(l.state, l.notice_date, l.jobs, l.location)
                             ORDER BY l.notice_date DESC, l.id DESC)
     FROM (SELECT * FROM filings WHERE company_id = ?1
           ORDER BY notice_date DESC, id DESC LIMIT CAST(?8 AS INTEGER)) l)
      AS "latest!: String"
