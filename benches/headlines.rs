//! How well headlines are read (BENCHMARKS.md): on real headlines, the words of the source
//! URLs of the two layoffs.fyi exports in tests/data, with the company and numbers of their
//! rows as the answer; and on 101 written non-layoff headlines (benches/data). Prints the
//! shares. Usage: cargo bench --bench headlines

use std::collections::HashMap;

use layoffs_bot::Store;
use layoffs_bot::domain::headline::{self, People};
use layoffs_bot::domain::normalize_key;

struct Case {
    headline: String,
    company: String,
    count: Option<u32>,
    percent: Option<f64>,
}

/// The words of a URL's longest slug ("pinterest-layoffs-cuts-15-percent" and the like).
fn headline_of(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next()?;
    let slug = path
        .split('/')
        .skip(3)
        .filter(|s| s.contains('-') && s.chars().any(|c| c.is_ascii_alphabetic()))
        .max_by_key(|s| s.len())?;
    let slug = slug
        .trim_end_matches(".html")
        .trim_end_matches(".htm")
        .trim_end_matches(".php");
    let words: Vec<&str> = slug.split(['-', '_']).filter(|w| !w.is_empty()).collect();
    (words.len() >= 3).then(|| words.join(" "))
}

fn cases(path: &str) -> Vec<Case> {
    let mut reader = csv::Reader::from_path(path).expect("the export");
    let header = reader.headers().expect("a header").clone();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (company, count, pct) = (
        col("company"),
        col("total_laid_off"),
        col("percentage_laid_off"),
    );
    let source = col("source");
    reader
        .records()
        .filter_map(Result::ok)
        .filter_map(|r| {
            let field =
                |i: Option<usize>| i.and_then(|i| r.get(i)).unwrap_or("").trim().to_string();
            let headline = headline_of(&field(source))?;
            Some(Case {
                headline,
                company: field(company),
                // "16000.0" in the newer layout.
                count: field(count).trim_end_matches(".0").parse::<u32>().ok(),
                percent: field(pct).parse::<f64>().ok().map(|p| p * 100.0),
            })
        })
        .collect()
}

fn states_number(headline: &str, case: &Case) -> bool {
    let numbers: Vec<f64> = headline
        .split(' ')
        .filter_map(|w| w.replace(',', "").parse::<f64>().ok())
        .collect();
    numbers.iter().any(|n| {
        case.count.is_some_and(|c| (*n - f64::from(c)).abs() < 0.5)
            || case.percent.is_some_and(|p| (*n - p).abs() < 0.5)
    })
}

fn people_right(case: &Case) -> bool {
    match headline::people(&case.headline) {
        Some(People::Count(n)) => case.count == Some(n),
        Some(People::Share(s)) => case.percent.is_some_and(|p| (s - p).abs() < 0.5),
        _ => false,
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}", dir.path().join("headlines.db").display());
    let store = Store::open(&url).await.expect("store");
    let files = [
        "tests/data/layoffs_fyi_sample.csv",
        "tests/data/layoffs_fyi_classic_2361.csv",
    ];
    for f in files {
        let now = chrono::Utc::now();
        layoffs_bot::csv_io::import_file(&store, std::path::Path::new(f), false, now)
            .await
            .expect("import");
    }
    let names = store.name_index().await.expect("names");
    // Every name and alias to its company's spelling, to tell what a row's company is called.
    let canonical: HashMap<String, String> = names
        .global_names()
        .map(|e| (e.key(), e.company.clone()))
        .collect();
    let all: Vec<Case> = files.iter().flat_map(|f| cases(f)).collect();
    let (mut mentioned, mut company_right, mut stated, mut count_right, mut taken) =
        (0, 0, 0, 0, 0);
    for case in &all {
        let key = normalize_key(&case.company);
        taken += usize::from(headline::reads_as_layoff(&case.headline, &[]));
        if format!(" {} ", normalize_key(&case.headline)).contains(&format!(" {key} ")) {
            mentioned += 1;
            let want = canonical
                .get(&key)
                .cloned()
                .unwrap_or_else(|| case.company.clone());
            let got = headline::company_named(&case.headline, &names).map(|e| e.company.clone());
            company_right += usize::from(got.as_deref() == Some(want.as_str()));
        }
        if states_number(&case.headline, case) {
            stated += 1;
            count_right += usize::from(people_right(case));
        }
    }
    let share = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    println!(
        "headlines (URL words of the exports' sources): {}",
        all.len()
    );
    println!(
        "company right, of the {mentioned} naming their row's company: {company_right} ({:.1}%)",
        share(company_right, mentioned)
    );
    println!(
        "headcount right, of the {stated} stating their row's number or share: {count_right} ({:.1}%)",
        share(count_right, stated)
    );
    println!(
        "read as a layoff (all are): {taken} ({:.1}%)",
        share(taken, all.len())
    );
    non_layoff();
}

/// The written non-layoff headlines: how many are wrongly read as a layoff, and which.
fn non_layoff() {
    let text = std::fs::read_to_string("benches/data/non_layoff_headlines.txt").expect("headlines");
    let others: Vec<&str> = text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let taken: Vec<&&str> = others
        .iter()
        .filter(|h| headline::reads_as_layoff(h, &[]))
        .collect();
    println!(
        "non-layoff headlines taken: {} of {} ({:.1}%)",
        taken.len(),
        others.len(),
        100.0 * taken.len() as f64 / others.len().max(1) as f64
    );
    for h in taken {
        println!("  taken: {h}");
    }
}
