//! Benchmarks on a generated store of 100,000 events over 10,000 companies: one company's
//! events (what /layoffs shows), autocomplete, `/layoffs-stats` (whole answer and chart), and
//! importing the 4,277-row layoffs.fyi file.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use layoffs_bot::Store;
use layoffs_bot::csv_io as import;
use layoffs_bot::domain::{
    Actor, CompanyName, EventScope, Headcount, NameEntry, NameIndex, NewEvent, Period, Viewer,
};
use layoffs_bot::render;
use layoffs_bot::service::{self, BatchEvent, StatsRequest};
use tokio::runtime::Runtime;

const COMPANIES: usize = 10_000;
const EVENTS: usize = 100_000;
const SYLLABLES: &[&str] = &[
    "am", "zon", "bri", "cor", "dex", "el", "fin", "gal", "hex", "io", "jet", "kai", "lum", "mo",
    "nex", "or", "pix", "qua", "ra", "sol", "tri", "ul", "vex", "wa", "xen", "yo", "zen", "ta",
];

/// Industries and countries as the layoffs.fyi data spells them (with its variants).
const INDUSTRIES: &[&str] = &[
    "Retail",
    "Consumer",
    "Transportation",
    "Finance",
    "Healthcare",
    "Food",
    "Real Estate",
    "Marketing",
    "Travel",
    "Education",
    "Crypto",
    "Hardware",
    "Security",
    "Media",
    "Other",
    "Sales",
    "HR",
    "Data",
    "Infrastructure",
    "Logistics",
    "retail",
    "Fitness",
    "Energy",
];
const COUNTRIES: &[&str] = &[
    "United States",
    "India",
    "Canada",
    "United Kingdom",
    "Germany",
    "Brazil",
    "Israel",
    "United States.",
    "Singapore",
    "Australia",
    "Nigeria",
    "France",
    "Indonesia",
    "Sweden",
];

/// A deterministic company name per index: "Brihexon Labs 17" style, all distinct.
fn company_name(i: usize) -> String {
    let mut x = i.wrapping_mul(2_654_435_761) ^ 0x9e37;
    let mut name = String::new();
    for _ in 0..3 {
        name.push_str(SYLLABLES[x % SYLLABLES.len()]);
        x /= SYLLABLES.len();
    }
    let mut chars = name.chars();
    let first = chars.next().map_or('X', |c| c.to_ascii_uppercase());
    format!("{first}{} {}", chars.as_str(), i)
}

fn generated_batch() -> Vec<BatchEvent> {
    let start = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    (0..EVENTS)
        .map(|i| {
            let company = if i < COMPANIES {
                i
            } else {
                (i * 7919) % COMPANIES
            };
            let headcount = match i % 5 {
                0 => Headcount::Unknown,
                1 => Headcount::Approx("hundreds".into()),
                _ => Headcount::Exact(u32::try_from(10 + i % 5000).unwrap()),
            };
            BatchEvent::new(
                NewEvent {
                    company: CompanyName::parse(&company_name(company)).unwrap(),
                    date: start + Days::new(u64::try_from(i % 2200).unwrap()),
                    headcount,
                    percentage: None,
                    teams: Some("Engineering".into()),
                    location: Some(format!("City {}", i % 97)),
                    source: None,
                    notes: None,
                    scope: EventScope::Global,
                },
                Some(INDUSTRIES[company % INDUSTRIES.len()].into()),
                Some(COUNTRIES[company % COUNTRIES.len()].into()),
            )
        })
        .collect()
}

async fn generated_store(dir: &tempfile::TempDir) -> Store {
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store = Store::open(&url).await.unwrap();
    let batch = generated_batch();
    let source = service::BatchSource {
        file: "generated",
        read: batch.len(),
        rejected: 0,
    };
    service::import_batch(
        &store,
        &batch,
        source,
        &Actor::cli("bench"),
        Utc::now(),
        false,
    )
    .await
    .unwrap();
    store
}

fn queries(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = rt.block_on(generated_store(&dir));
    let today = Utc::now().date_naive();
    let viewer = Viewer::in_guild(1);
    let name = company_name(4242);

    c.bench_function(
        "company_events (resolve + page of 10 + totals, 100k events)",
        |b| {
            b.to_async(&rt).iter(|| async {
                let listing = service::listing(&store, Some(&name), &viewer, None, 0, today)
                    .await
                    .unwrap();
                black_box(listing);
            });
        },
    );
    // Warm the index once, as a running bot has it.
    rt.block_on(store.autocomplete("", &Viewer::EVERYONE, 25))
        .unwrap();
    for (label, input) in [
        ("prefix", "brih"),
        ("typo", "brihexn"),
        ("exact", name.as_str()),
    ] {
        c.bench_function(&format!("autocomplete {label} (10k companies)"), |b| {
            b.to_async(&rt).iter(|| async {
                black_box(
                    store
                        .autocomplete(input, &Viewer::EVERYONE, 25)
                        .await
                        .unwrap(),
                );
            });
        });
    }
}

fn import_file(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/layoffs_fyi_sample.csv");
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.bench_function("layoffs_fyi_sample.csv (4,277 rows, empty store)", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("import.db").display());
                let store = rt.block_on(Store::open(&url)).unwrap();
                let started = Instant::now();
                let report = rt
                    .block_on(import::import_file(&store, &path, false, Utc::now()))
                    .unwrap();
                total += started.elapsed();
                assert_eq!(report.imported, 4272);
                rt.block_on(store.close());
            }
            total
        });
    });
    group.finish();
}

/// Autocomplete and "did you mean" on 10,000 names plus planted hostile ones (long repeated
/// letters, many one-letter words, a 100-letter name), for inputs up to Discord's 6,000
/// characters: every call must stay under 5 ms.
fn hostile_matching(c: &mut Criterion) {
    let mut entries: Vec<NameEntry> = (0..COMPANIES)
        .map(|i| {
            let name = company_name(i);
            NameEntry::new(i64::try_from(i).unwrap(), name.clone(), name)
        })
        .collect();
    for (n, planted) in [
        "a".repeat(100),
        "ab ".repeat(33),
        "a b c d e f g h i j k l m n o p q r s t u v w x y z ".repeat(2),
    ]
    .into_iter()
    .enumerate()
    {
        let id = i64::try_from(COMPANIES + n).unwrap();
        entries.push(NameEntry::new(id, planted.clone(), planted));
    }
    let index = NameIndex::new(entries);
    let inputs = [
        ("300 a", "a".repeat(300)),
        ("6000 a", "a".repeat(6000)),
        ("6000 ab", "ab ".repeat(2000)),
        (
            "32 letters, near the planted",
            format!("{}b", "a".repeat(31)),
        ),
        ("6000 ligatures", "\u{FDFA}".repeat(6000)),
        (
            "6000 punctuation then a name",
            format!("{}brih", "-".repeat(5996)),
        ),
    ];
    let mut group = c.benchmark_group("hostile matching (10k names)");
    for (label, input) in &inputs {
        group.bench_function(format!("autocomplete {label}"), |b| {
            b.iter(|| black_box(index.autocomplete(input, None, 25)));
        });
        group.bench_function(format!("suggest {label}"), |b| {
            b.iter(|| black_box(index.suggest(input, None, 5)));
        });
    }
    group.finish();
}

fn stats(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = rt.block_on(generated_store(&dir));
    // The generated events end in January 2026: a "today" at the end of 2025 makes the
    // year to date a full year of them (about 16,600 events).
    let today = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    let viewer = Viewer::in_guild(1);
    let mut group = c.benchmark_group("stats (100k events)");
    for (label, req) in [
        ("year to date", StatsRequest::default()),
        (
            "all time",
            StatsRequest {
                period: Period::AllTime,
                ..StatsRequest::default()
            },
        ),
        (
            "last 12 months, one industry and country",
            StatsRequest {
                period: Period::Last12Months,
                industry: Some("retail".into()),
                country: Some("united states".into()),
                ..StatsRequest::default()
            },
        ),
    ] {
        group.bench_function(
            format!("whole answer, {label} (queries + text + chart)"),
            |b| {
                b.to_async(&rt).iter(|| async {
                    let stats = service::stats(&store, &req, &viewer, today).await.unwrap();
                    let chart = render::chart::stats_image(&stats).await.unwrap();
                    black_box(render::stats_view(&stats, Some(chart)));
                });
            },
        );
    }
    let req = StatsRequest {
        period: Period::Year(2024),
        ..StatsRequest::default()
    };
    let stats = rt
        .block_on(service::stats(&store, &req, &viewer, today))
        .unwrap();
    let all = rt
        .block_on(service::stats(
            &store,
            &StatsRequest {
                period: Period::AllTime,
                ..StatsRequest::default()
            },
            &viewer,
            today,
        ))
        .unwrap();
    for (label, stats) in [("12 months", &stats), ("all time, 72 months", &all)] {
        group.bench_function(format!("chart alone, {label}"), |b| {
            b.iter(|| black_box(render::chart::stats_chart(stats).unwrap()));
        });
    }
    group.finish();
}

criterion_group!(benches, queries, import_file, hostile_matching, stats);
criterion_main!(benches);
