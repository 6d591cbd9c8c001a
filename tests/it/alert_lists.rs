//! Alerts with lists of values and exclusions, typed as a moderator would (resolved against
//! the record), and digests at a local hour in a time zone across DST changes.

use chrono::{DateTime, Duration, TimeZone, Utc};
use layoffs_bot::domain::{ChannelRef, Headcount, Tenant};
use layoffs_bot::service::{self, AlertRequest};
use layoffs_bot::{Error, Store};

use crate::alerts::{add_at, posts, store_with_companies, titles, worker};
use crate::outbox::Scripted;

const GUILD: u64 = 42;

fn at(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, h, min, 0).unwrap()
}

async fn subscribe(store: &Store, channel: u64, req: AlertRequest, when: DateTime<Utc>) {
    let tenant = Tenant::discord(GUILD);
    let settings = service::alerts::settings_of(store, &tenant, &req)
        .await
        .unwrap();
    let actor = layoffs_bot::domain::Actor::discord(1);
    let channel = ChannelRef::discord(channel);
    service::subscribe(store, &tenant, &channel, &settings, &actor, when)
        .await
        .unwrap();
}

fn req(company: &str, industry: &str, country: &str, exclude: &str) -> AlertRequest {
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    AlertRequest {
        company: some(company),
        industry: some(industry),
        country: some(country),
        exclude: some(exclude),
        ..AlertRequest::default()
    }
}

async fn refusal(store: &Store, req: &AlertRequest) -> String {
    let tenant = Tenant::discord(GUILD);
    match service::alerts::settings_of(store, &tenant, req).await {
        Err(e) => e.user_message(),
        Ok(s) => panic!("accepted: {s:?}"),
    }
}

#[tokio::test]
async fn lists_and_exclusions_match_exactly_the_events_they_should() {
    // Acme: Retail, US; Bolt: Retail, Germany; Cobalt: Hardware, "United States."; Dune:
    // Hardware, US.
    let t = store_with_companies().await;
    let s = &t.store;
    let cases: [(u64, AlertRequest, &[&str]); 7] = [
        (1, req("acme, Dune", "", "", ""), &["Acme", "Dune"]),
        (
            2,
            req("", "Retail, hardware", "", "Bolt"),
            &["Acme", "Cobalt", "Dune"],
        ),
        (
            3,
            req("", "", "Germany,United States", "Hardware"),
            &["Acme", "Bolt"],
        ),
        (4, req("", "Hardware", "United States", "Dune"), &["Cobalt"]),
        (5, req("Acme, Bolt", "", "", "Retail"), &[]),
        (6, req("", "", "", "Retail, Cobalt"), &["Dune"]),
        (
            7,
            req("Bolt, Cobalt, Dune", "Hardware", "", ""),
            &["Cobalt", "Dune"],
        ),
    ];
    for (channel, r, _) in &cases {
        subscribe(s, *channel, r.clone(), at(11, 1, 0, 0)).await;
    }
    for (company, n) in [("Acme", 10), ("Bolt", 20), ("Cobalt", 30), ("Dune", 40)] {
        add_at(s, company, Headcount::Exact(n), at(11, 2, 0, 0)).await;
    }
    let poster = Scripted::default();
    let w = worker(s, &poster);
    while w.try_dispatch_once(at(11, 2, 0, 1)).await.unwrap() > 0 {}
    for (channel, r, want) in &cases {
        let mut got: Vec<String> = titles(&poster, *channel)
            .into_iter()
            .map(|t| t.trim_start_matches("New layoff: ").to_string())
            .collect();
        got.sort();
        assert_eq!(got, *want, "channel {channel}: {r:?}");
    }
    let listed = service::subscriptions(s, &Tenant::discord(GUILD))
        .await
        .unwrap();
    let lines = layoffs_bot::render::replies::subscription_list(
        &listed
            .iter()
            .map(service::alerts::listed)
            .collect::<Vec<_>>(),
    );
    assert!(lines.contains("<#1>: Acme, Dune only, active"), "{lines}");
    assert!(
        lines.contains("industry Retail, Hardware · not Bolt"),
        "{lines}"
    );
    assert!(lines.contains("not Cobalt, Retail"), "{lines}");
}

#[tokio::test]
async fn an_unknown_value_in_a_list_is_named_with_what_it_may_mean() {
    let t = store_with_companies().await;
    let s = &t.store;
    let why = refusal(s, &req("Acme, Dunne", "", "", "")).await;
    assert!(why.contains("\"Dunne\"") && why.contains("Dune"), "{why}");
    let why = refusal(s, &req("", "Retail, Hardwere", "", "")).await;
    assert!(
        why.contains("Hardwere") && why.contains("Hardware"),
        "{why}"
    );
    let why = refusal(s, &req("", "", "", "Retail, Nothing Inc")).await;
    assert!(
        why.contains("\"Nothing Inc\" is neither an industry nor a company"),
        "{why}"
    );
    let many = (0..11)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let why = refusal(s, &req(&many, "", "", "")).await;
    assert!(why.contains("at most 10 values"), "{why}");
    let hour_for_each = AlertRequest {
        hour: Some(9),
        ..AlertRequest::default()
    };
    assert!(
        refusal(s, &hour_for_each)
            .await
            .contains("mode daily or weekly")
    );
    let bad_zone = AlertRequest {
        mode: Some("weekly".into()),
        timezone: Some("Europe/Atlantis".into()),
        ..AlertRequest::default()
    };
    assert!(refusal(s, &bad_zone).await.contains("Europe/Berlin"));
    assert!(matches!(
        service::alerts::settings_of(s, &Tenant::discord(GUILD), &bad_zone).await,
        Err(Error::Invalid(_))
    ));
}

/// Schedules digests every 15 minutes over [from, to); when each was queued.
async fn schedule_every_quarter(
    w: &layoffs_bot::notify::Worker<Scripted>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<DateTime<Utc>> {
    let mut queued = Vec::new();
    let mut now = from;
    while now < to {
        for _ in 0..w.schedule_digests(now).await.unwrap() {
            queued.push(now);
        }
        now += Duration::minutes(15);
    }
    queued
}

#[tokio::test]
async fn a_weekly_digest_in_berlin_arrives_at_the_local_hour_across_dst_once() {
    let t = store_with_companies().await;
    let s = &t.store;
    let berlin = AlertRequest {
        mode: Some("weekly".into()),
        hour: Some(9),
        timezone: Some("Europe/Berlin".into()),
        weekday: Some("sunday".into()),
        ..AlertRequest::default()
    };
    subscribe(s, 1, berlin, at(3, 16, 0, 0)).await;
    let poster = Scripted::default();
    let w = worker(s, &poster);
    // Summer time begins on Sunday 29 March at 02:00: 09:00 in Berlin is 07:00 UTC that day.
    add_at(s, "Acme", Headcount::Exact(10), at(3, 25, 12, 0)).await;
    let queued = schedule_every_quarter(&w, at(3, 22, 8, 15), at(3, 30, 0, 0)).await;
    assert_eq!(queued, [at(3, 29, 7, 0)]);
    while w.try_dispatch_once(at(3, 29, 7, 1)).await.unwrap() > 0 {}
    let sent = posts(&poster, 1);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0]["embeds"][0]["title"],
        "Weekly layoffs digest: 22 Mar 09:00 to 29 Mar 2026 09:00 Europe/Berlin"
    );
    // Winter time returns on Sunday 25 October at 03:00: 09:00 is 08:00 UTC again.
    add_at(s, "Bolt", Headcount::Exact(20), at(10, 21, 12, 0)).await;
    let queued = schedule_every_quarter(&w, at(10, 24, 0, 0), at(10, 26, 0, 0)).await;
    assert_eq!(queued, [at(10, 25, 8, 0)]);
    while w.try_dispatch_once(at(10, 25, 8, 1)).await.unwrap() > 0 {}
    let sent = posts(&poster, 1);
    assert_eq!(sent.len(), 2);
    let title = sent[1]["embeds"][0]["title"].as_str().unwrap();
    assert!(
        title.ends_with("to 25 Oct 2026 09:00 Europe/Berlin"),
        "{title}"
    );
    assert!(
        sent[1]["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .contains("Bolt")
    );
    // Another worker over the same hours queues nothing more.
    let again = worker(s, &poster);
    let queued = schedule_every_quarter(&again, at(10, 24, 0, 0), at(10, 26, 0, 0)).await;
    assert!(queued.is_empty());
}

#[tokio::test]
async fn subscriptions_from_before_lists_keep_their_one_value_and_utc_hour() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    let pool = crate::migrate::migrated_to(dir.path(), &url, "0019").await;
    let at = Utc::now().to_rfc3339();
    for sql in [
        "INSERT INTO tenants (id, platform, external_id) VALUES (1, 'discord', '42')",
        "INSERT INTO companies (id, name, key, created_at) VALUES (1, 'Acme', 'acme', ?1)",
        "INSERT INTO subscriptions (id, tenant_id, platform, channel, company_id, industry,
                                    country, min_people, mode, mode_since, active, created_by,
                                    created_at, updated_at)
         VALUES (1, 1, 'discord', '7', 1, NULL, NULL, NULL, 'each', ?1, 1, 'discord:1', ?1, ?1),
                (2, 1, 'discord', '8', NULL, 'Retail', 'United States', 50, 'weekly', ?1, 1,
                 'discord:1', ?1, ?1)",
    ] {
        sqlx::query(sql).bind(&at).execute(&pool).await.unwrap();
    }
    pool.close().await;
    let store = Store::open(&url).await.unwrap();
    let subs = service::subscriptions(&store, &Tenant::discord(GUILD))
        .await
        .unwrap();
    assert_eq!(subs.len(), 2);
    assert_eq!(subs[0].settings.filter.companies, [1]);
    assert_eq!(subs[0].names.companies, ["Acme"]);
    let f = &subs[1].settings.filter;
    assert_eq!(
        (f.industries.as_slice(), f.countries.as_slice()),
        (
            &["Retail".to_string()][..],
            &["United States".to_string()][..]
        )
    );
    assert_eq!(f.min_people, Some(50));
    assert!(f.companies.is_empty() && f.exclude_industries.is_empty());
    assert_eq!(
        subs[1].settings.time,
        layoffs_bot::domain::DigestTime::default()
    );
    assert_eq!(subs[1].settings.thread, None);
}

#[tokio::test]
async fn merging_companies_moves_them_in_every_list() {
    let t = store_with_companies().await;
    let s = &t.store;
    subscribe(s, 1, req("Bolt, Cobalt", "", "", ""), at(11, 1, 0, 0)).await;
    subscribe(s, 2, req("Cobalt, Dune", "", "", ""), at(11, 1, 0, 0)).await;
    subscribe(s, 3, req("", "", "", "Cobalt"), at(11, 1, 0, 0)).await;
    let actor = layoffs_bot::domain::Actor::cli("test");
    service::curation::merge_companies(s, "Cobalt", "Dune", &actor, at(11, 2, 0, 0))
        .await
        .unwrap();
    let subs = service::subscriptions(s, &Tenant::discord(GUILD))
        .await
        .unwrap();
    let names = |i: usize| subs[i].names.clone();
    assert_eq!(names(0).companies, ["Bolt", "Dune"]);
    assert_eq!(names(1).companies, ["Dune"], "named twice, kept once");
    assert_eq!(names(2).excluded, ["Dune"]);
}
