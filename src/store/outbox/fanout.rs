//! Which subscriptions get a post about a new event or filing: their filters (lists,
//! exclusions, a minimum) checked in Rust with [`AlertFilter::matches`], one keyed row each.

use chrono::{DateTime, Utc};

use super::{Item, direct, insert};
use crate::domain::{AlertFilter, Subject};
use crate::error::Result;
use crate::store::Conn;
use crate::store::subscriptions::filter_of;

/// A subscription that may get a post, with its filter.
struct Candidate {
    id: i64,
    filter: AlertFilter,
}

impl Candidate {
    /// From stored columns: `companies` a JSON array of [id, excluded], `lists` the industries,
    /// countries and excluded industries; None if a column does not parse.
    fn of(id: i64, companies: &str, lists: [&str; 3], min_people: Option<i64>) -> Option<Self> {
        let mut filter = filter_of(lists[0], lists[1], lists[2], min_people)?;
        for (company, excluded) in serde_json::from_str::<Vec<(i64, i64)>>(companies).ok()? {
            if excluded == 0 {
                filter.companies.push(company);
            } else {
                filter.exclude_companies.push(company);
            }
        }
        Some(Self { id, filter })
    }
}

/// A company's industry and country (they describe all its events and filings).
async fn company_facts(
    conn: &mut Conn,
    company_id: i64,
) -> Result<(Option<String>, Option<String>)> {
    let row = sqlx::query!(
        "SELECT industry, country FROM companies WHERE id = ?1",
        company_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map_or((None, None), |r| (r.industry, r.country)))
}

/// Writes one post per active subscription in `each` mode whose filters match the event;
/// part of the event's transaction. `tenant_id` is the event's owner (None: global, posted
/// to every tenant). Returns how many.
pub async fn enqueue_event(
    conn: &mut Conn,
    event_id: i64,
    company_id: i64,
    people: Option<u32>,
    tenant_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let candidates = candidates(conn, tenant_id, false).await?;
    let item = Item::Event(event_id);
    let posts = enqueue_matching(conn, candidates, item, company_id, people, now).await?;
    Ok(posts + direct::enqueue_follows(conn, event_id, company_id, tenant_id, now).await?)
}

/// Writes one post per active subscription that asked for filings, in `each` mode, whose
/// filters match (filings are public: every tenant). Returns how many.
pub async fn enqueue_filing(
    conn: &mut Conn,
    filing_id: i64,
    company_id: i64,
    jobs: Option<u32>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let candidates = candidates(conn, None, true).await?;
    let item = Item::Filing(filing_id);
    enqueue_matching(conn, candidates, item, company_id, jobs, now).await
}

/// Active subscriptions in `each` mode of `tenant_id` (None: every tenant), only those that
/// asked for filings when `filings`.
async fn candidates(
    conn: &mut Conn,
    tenant_id: Option<i64>,
    filings: bool,
) -> Result<std::vec::IntoIter<Candidate>> {
    let rows = sqlx::query!(
        r#"SELECT id, industries, countries, exclude_industries, min_people,
                  (SELECT json_group_array(json_array(company_id, excluded))
                   FROM subscription_companies WHERE subscription_id = s.id)
                      AS "companies!: String"
           FROM subscriptions s
           WHERE active = 1 AND removed_at IS NULL AND mode = 'each'
             AND (?1 IS NULL OR tenant_id = ?1) AND (?2 = 0 OR filings = 1)"#,
        tenant_id,
        filings
    )
    .fetch_all(&mut *conn)
    .await?;
    let parsed = rows.into_iter().filter_map(|r| {
        Candidate::of(
            r.id,
            &r.companies,
            [&r.industries, &r.countries, &r.exclude_industries],
            r.min_people,
        )
    });
    Ok(parsed.collect::<Vec<_>>().into_iter())
}

async fn enqueue_matching(
    conn: &mut Conn,
    candidates: impl Iterator<Item = Candidate>,
    item: Item,
    company_id: i64,
    people: Option<u32>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let (industry, mut country) = company_facts(conn, company_id).await?;
    if matches!(item, Item::Filing(_)) {
        // A WARN notice is a United States filing, whatever the company's home.
        country = Some("United States".to_string());
    }
    let subject = Subject {
        company_id,
        industry: industry.as_deref(),
        country: country.as_deref(),
        people,
    };
    let key = match item {
        Item::Event(id) => format!("event:{id}"),
        Item::Filing(id) => format!("filing:{id}"),
        Item::Digest(p) => p.key(),
        Item::Test(_) => format!("test:{}", now.timestamp_micros()),
        Item::Review(id) => format!("review:{id}"),
        Item::Follow { event, follow } => format!("follow:{follow}:{event}"),
    };
    let mut added = 0;
    for c in candidates.filter(|c| c.filter.matches(&subject)) {
        if insert(conn, item, &key, c.id, now).await?.is_some() {
            added += 1;
        }
    }
    Ok(added)
}
