//! Benchmarks on a generated store of 100,000 events over 10,000 companies: one company's
//! events (what /layoffs shows), autocomplete, and importing the 4,277-row layoffs.fyi file.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use layoffs_bot::Store;
use layoffs_bot::csv_io as import;
use layoffs_bot::domain::{Actor, CompanyName, EventScope, Headcount, NewEvent, Viewer};
use layoffs_bot::service::{self, BatchEvent};
use tokio::runtime::Runtime;

const COMPANIES: usize = 10_000;
const EVENTS: usize = 100_000;
const SYLLABLES: &[&str] = &[
    "am", "zon", "bri", "cor", "dex", "el", "fin", "gal", "hex", "io", "jet", "kai", "lum", "mo",
    "nex", "or", "pix", "qua", "ra", "sol", "tri", "ul", "vex", "wa", "xen", "yo", "zen", "ta",
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
                Some("Tech".into()),
                Some("United States".into()),
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
    rt.block_on(store.autocomplete("", 25)).unwrap();
    for (label, input) in [
        ("prefix", "brih"),
        ("typo", "brihexn"),
        ("exact", name.as_str()),
    ] {
        c.bench_function(&format!("autocomplete {label} (10k companies)"), |b| {
            b.to_async(&rt).iter(|| async {
                black_box(store.autocomplete(input, 25).await.unwrap());
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

criterion_group!(benches, queries, import_file);
criterion_main!(benches);
