//! `/layoffs-stats` and `layoffs-bot stats`: the facts for fixed data and a fixed today, the
//! chart as a real PNG, tenant scope, and the real bot answering with the chart attached.

use layoffs_bot::domain::{EventScope, Headcount, Period, Tenant, Viewer};
use layoffs_bot::render;
use layoffs_bot::service::{self, StatsRequest};
use serde_json::{Value, json};

use crate::support::bot::Bot;
use crate::support::fake_discord::{GUILD_A, GUILD_B, Who, autocomplete, dm_slash, slash};
use crate::support::{TestStore, add, content, day, event, is_ephemeral, no_pings, opt};

/// Six companies over two years; Delta spells its country "United States.".
const FIXTURE: &str = "\
company,location,total_laid_off,date,percentage_laid_off,industry,source,stage,funds_raised,country,date_added
Acme,SF Bay Area,1000,3/10/2026,0.1,Retail,https://example.com/a,Post-IPO,100,United States,3/10/2026
Acme,SF Bay Area,500,6/1/2025,,Retail,https://example.com/b,Post-IPO,100,United States,6/1/2025
Beta,Berlin,,2/2/2026,,Fintech,https://example.com/c,Seed,1,Germany,2/2/2026
Gamma,London,200,11/20/2026,0.2,Fintech,https://example.com/d,Series A,5,United Kingdom,11/20/2026
Delta,New York City,300,1/15/2025,,retail ,https://example.com/e,Series B,9,United States.,1/15/2025
Epsilon,Austin,50,12/31/2025,,Hardware,https://example.com/f,Seed,2,United States,12/31/2025
";

async fn fixture() -> TestStore {
    let t = TestStore::new().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fixture.csv");
    std::fs::write(&path, FIXTURE).unwrap();
    let report = layoffs_bot::csv_io::import_file(&t.store, &path, false, crate::support::now())
        .await
        .unwrap();
    assert_eq!(report.imported, 6);
    t
}

async fn text(t: &TestStore, req: StatsRequest, viewer: &Viewer) -> String {
    let stats = service::stats(&t.store, &req, viewer, day("2026-11-26"))
        .await
        .unwrap();
    if stats.is_empty() {
        render::no_stats_text(&stats)
    } else {
        render::stats_text(&stats)
    }
}

#[tokio::test]
async fn year_to_date_reads_as_golden_text() {
    let t = fixture().await;
    let got = text(&t, StatsRequest::default(), &Viewer::EVERYONE).await;
    assert_eq!(
        got,
        "\
Layoffs, year to date
  3 layoffs, at least 1,200 people (1 without a number)
  3.6 people a day over 330 days
  A year earlier: 800 people in 2 layoffs (+50%)
Top companies:
  1. Acme: 1,000 people
  2. Gamma: 200 people
Top industries:
  1. Retail: 1,000 people
  2. Fintech: 200 people
Top countries:
  1. United States: 1,000 people
  2. United Kingdom: 200 people
Jan 1, 2026 to Nov 26, 2026 · people are sums of reported numbers only
"
    );
}

#[tokio::test]
async fn a_year_folds_spellings_and_filters_by_facet() {
    let t = fixture().await;
    let year = |industry: Option<&str>, country: Option<&str>| StatsRequest {
        period: Period::Year(2025),
        industry: industry.map(str::to_string),
        country: country.map(str::to_string),
        ..StatsRequest::default()
    };
    let got = text(&t, year(None, None), &Viewer::EVERYONE).await;
    // "United States." and "retail " are the same country and industry as their usual spelling.
    assert!(
        got.contains("Top countries:\n  1. United States: 850 people\n"),
        "{got}"
    );
    assert!(
        got.contains("Top industries:\n  1. Retail: 800 people\n  2. Hardware: 50"),
        "{got}"
    );
    assert!(got.contains("No data a year earlier"), "{got}");

    let got = text(
        &t,
        year(Some("RETAIL"), Some("united states.")),
        &Viewer::EVERYONE,
    )
    .await;
    assert!(
        got.starts_with("Retail in United States, 2025\n  2 layoffs, at least 800 people\n"),
        "{got}"
    );
    assert!(
        !got.contains("Top industries") && !got.contains("Top countries"),
        "{got}"
    );

    let got = text(
        &t,
        year(Some("Hardware"), Some("Germany")),
        &Viewer::EVERYONE,
    )
    .await;
    assert_eq!(got, "No layoffs for Hardware in Germany in 2025.");

    let err = service::stats(
        &t.store,
        &year(Some("retial"), None),
        &Viewer::EVERYONE,
        day("2026-11-26"),
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.user_message(),
        "No industry named \"retial\" on record. Did you mean: Retail?"
    );
}

#[tokio::test]
async fn one_company_over_twelve_months_compares_with_the_year_before() {
    let t = fixture().await;
    let req = StatsRequest {
        period: Period::Last12Months,
        company: Some("acme inc".into()),
        ..StatsRequest::default()
    };
    let stats = service::stats(&t.store, &req, &Viewer::EVERYONE, day("2026-11-26"))
        .await
        .unwrap();
    assert_eq!(render::stats_title(&stats), "Acme, last 12 months");
    assert_eq!(stats.totals.people, 1000);
    assert_eq!(stats.year_earlier.map(|y| y.people), Some(500));
    assert!(stats.top_companies.is_empty() && stats.top_industries.is_empty());
    // From 2025-11-27: parts of 13 calendar months.
    assert_eq!(stats.months.len(), 13);
    assert_eq!(stats.months[4].month, "2026-03");
    assert_eq!(stats.months[4].totals.people, 1000);
    let all = StatsRequest {
        period: Period::AllTime,
        ..req
    };
    let stats = service::stats(&t.store, &all, &Viewer::EVERYONE, day("2026-11-26"))
        .await
        .unwrap();
    assert_eq!(stats.range.from, day("2025-06-01"));
    assert_eq!(stats.year_earlier, None);
    assert!(!render::stats_text(&stats).contains("year earlier"));
}

#[tokio::test]
async fn a_servers_own_events_count_for_it_alone() {
    let t = fixture().await;
    let mut private = event("Globex Widgets", "2026-05-05", Headcount::Exact(9000));
    private.scope = EventScope::Tenant(Tenant::discord(1));
    add(&t.store, &private).await;
    let in_a = Viewer {
        tenant: Some(Tenant::discord(1)),
    };
    let in_b = Viewer {
        tenant: Some(Tenant::discord(2)),
    };
    let a = text(&t, StatsRequest::default(), &in_a).await;
    let b = text(&t, StatsRequest::default(), &in_b).await;
    assert!(a.contains("4 layoffs, at least 10,200 people"), "{a}");
    assert!(a.contains("1. Globex Widgets: 9,000 people"), "{a}");
    assert!(
        !b.contains("Globex") && b.contains("3 layoffs, at least 1,200 people"),
        "{b}"
    );
    let named = StatsRequest {
        company: Some("Globex Widgets".into()),
        ..StatsRequest::default()
    };
    let err = service::stats(&t.store, &named, &in_b, day("2026-11-26"))
        .await
        .unwrap_err();
    assert!(
        err.user_message().starts_with("No company matches"),
        "{}",
        err.user_message()
    );
}

fn decode(png: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let reader = decoder.read_info().expect("a PNG");
    let info = reader.info();
    (info.width, info.height)
}

fn stats_opts(options: &[(&str, u8, Value)]) -> Value {
    Value::Array(
        options
            .iter()
            .map(|(n, k, v)| opt(n, *k, v.clone()))
            .collect(),
    )
}

#[tokio::test]
async fn the_bot_answers_with_the_chart_attached() {
    let (bot, commands) = Bot::start(&["tests/data/layoffs_fyi_sample.csv"]).await;
    the_command_is_registered_with_its_options(&commands);
    a_year_and_an_industry_answer_with_the_chart(&bot).await;
    a_company_and_dms_get_the_chart_too(&bot).await;
    refusals_are_ephemeral_and_without_a_chart(&bot).await;
    industries_and_countries_autocomplete(&bot).await;
}

/// `/layoffs-stats` is registered with its options and period choices, for everyone.
fn the_command_is_registered_with_its_options(commands: &Value) {
    let command = commands
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "layoffs-stats")
        .cloned()
        .expect("layoffs-stats registered");
    let names: Vec<&str> = command["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["period", "year", "company", "industry", "country", "source"]
    );
    let choices: Vec<&str> = command["options"][0]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        choices,
        [
            "last 30 days",
            "last 90 days",
            "year to date",
            "last 12 months",
            "all time"
        ]
    );
    assert!(command["default_member_permissions"].is_null());
}

/// A year and an industry: a public answer with the chart as a PNG attachment.
async fn a_year_and_an_industry_answer_with_the_chart(bot: &Bot) {
    let ask = stats_opts(&[("year", 4, json!(2023)), ("industry", 3, json!("retail"))]);
    let answer = bot
        .fake
        .interact_recorded(slash(Who::USER_A, "layoffs-stats", ask))
        .await;
    let body = &answer.body;
    assert!(!is_ephemeral(body), "{body:#}");
    no_pings(body);
    let embed = &body["data"]["embeds"][0];
    assert_eq!(embed["title"], "Retail, 2023");
    assert!(
        embed["description"]
            .as_str()
            .unwrap()
            .starts_with("**108** layoffs, at least **31,792** people"),
        "{embed:#}"
    );
    assert_eq!(embed["image"]["url"], "attachment://layoffs-stats.png");
    assert_eq!(
        body["data"]["attachments"][0]["filename"], "layoffs-stats.png",
        "{body:#}"
    );
    assert_eq!(answer.files.len(), 1);
    let file = &answer.files[0];
    assert_eq!(file.filename, "layoffs-stats.png");
    assert_eq!(file.field, "files[0]");
    assert!(
        file.content_type.is_empty() || file.content_type.starts_with("image/png"),
        "{}",
        file.content_type
    );
    assert_eq!(decode(&file.bytes), (1000, 500));
    assert!(file.bytes.len() < 100_000, "{} bytes", file.bytes.len());
}

/// A company over all time, and the command in a DM (the global record), with the chart.
async fn a_company_and_dms_get_the_chart_too(bot: &Bot) {
    let ask = stats_opts(&[
        ("period", 3, json!("all-time")),
        ("company", 3, json!("AWS")),
    ]);
    let amazon = bot
        .fake
        .interact_recorded(slash(Who::USER_A, "layoffs-stats", ask))
        .await;
    assert_eq!(
        amazon.body["data"]["embeds"][0]["title"], "Amazon, all time",
        "{:#}",
        amazon.body
    );
    assert_eq!(amazon.files.len(), 1);

    // In DMs, the global record; the chart still attached.
    let dm = bot
        .fake
        .interact_recorded(dm_slash(
            "layoffs-stats",
            stats_opts(&[("year", 4, json!(2023))]),
        ))
        .await;
    assert_eq!(dm.body["data"]["embeds"][0]["title"], "Layoffs, 2023");
    assert_eq!(dm.files.len(), 1);
}

/// No data, a typo and a period with a year: refused to the user only, without a chart.
async fn refusals_are_ephemeral_and_without_a_chart(bot: &Bot) {
    for (options, expected) in [
        (
            stats_opts(&[("year", 4, json!(2000))]),
            "No layoffs in 2000.",
        ),
        (
            stats_opts(&[("industry", 3, json!("retial"))]),
            "Did you mean: Retail",
        ),
        (
            stats_opts(&[
                ("period", 3, json!("last 30 days")),
                ("year", 4, json!(2023)),
            ]),
            "either a period or a year",
        ),
    ] {
        let answer = bot
            .fake
            .interact_recorded(slash(Who::USER_A, "layoffs-stats", options))
            .await;
        assert!(is_ephemeral(&answer.body), "{:#}", answer.body);
        assert!(
            content(&answer.body).contains(expected),
            "{:#}",
            answer.body
        );
        assert!(answer.files.is_empty());
    }
}

/// Industries and countries autocomplete, folded spellings as one choice.
async fn industries_and_countries_autocomplete(bot: &Bot) {
    let focused = json!([{"name": "industry", "type": 3, "value": "ret", "focused": true}]);
    let choices = bot
        .fake
        .interact(autocomplete(Who::USER_A, "layoffs-stats", focused))
        .await;
    assert_eq!(
        choices["data"]["choices"][0]["value"], "Retail",
        "{choices:#}"
    );
    let focused = json!([{"name": "country", "type": 3, "value": "united st", "focused": true}]);
    let choices = bot
        .fake
        .interact(autocomplete(Who::USER_A, "layoffs-stats", focused))
        .await;
    let values: Vec<&str> = choices["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    // "United States." is folded into "United States": one choice, not two.
    assert_eq!(
        values,
        ["United States", "United Kingdom", "United Arab Emirates"],
        "{choices:#}"
    );
}

#[tokio::test]
async fn a_guilds_private_events_show_in_its_stats_only() {
    let (bot, _) = Bot::start(&["tests/data/layoffs_fyi_sample.csv"]).await;
    let mut private = event("Globex Widgets", "2023-06-01", Headcount::Exact(90_000));
    private.scope = EventScope::Tenant(Tenant::discord(GUILD_A.parse().unwrap()));
    add(&bot.store, &private).await;
    let ask = || stats_opts(&[("year", 4, json!(2023))]);
    let a = bot
        .fake
        .interact(slash(Who::USER_A, "layoffs-stats", ask()))
        .await;
    let top = |answer: &Value| {
        answer["data"]["embeds"][0]["fields"][0]["value"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        top(&a).starts_with("1. Globex Widgets: 90,000 people"),
        "{a:#}"
    );
    let who_b = Who {
        guild: GUILD_B,
        ..Who::USER_A
    };
    let b = bot
        .fake
        .interact(slash(who_b, "layoffs-stats", ask()))
        .await;
    assert!(!top(&b).contains("Globex"), "{b:#}");
    assert_ne!(
        a["data"]["embeds"][0]["description"],
        b["data"]["embeds"][0]["description"]
    );
}
