//! Names of threads and forum posts: "Amazon: hundreds of jobs (2024-04-03)", within
//! Discord's 100 characters. Plain text: thread names show no markdown.

use super::truncate;
use crate::domain::filing::FilingPost;
use crate::domain::{DigestPeriod, Headcount, LayoffEvent, Mode, thousands};

/// Discord's limit on a thread's (and a forum post's) name.
pub const TOPIC_LENGTH: usize = 100;

/// "Amazon: 1,200 jobs (2026-11-20)", "Amazon: hundreds of jobs (…)", "Amazon: layoffs (…)".
pub fn event_topic(e: &LayoffEvent) -> String {
    let what = match &e.headcount {
        Headcount::Exact(1) => "1 job".to_string(),
        Headcount::Exact(n) => format!("{} jobs", thousands(u64::from(*n))),
        Headcount::Approx(words) => format!("{words} of jobs"),
        Headcount::Unknown => "layoffs".to_string(),
    };
    fit(&e.company, &format!(": {what} ({})", e.date))
}

/// "Acme: 120 jobs filed in WA (2026-11-20)".
pub fn filing_topic(f: &FilingPost) -> String {
    let jobs = f.line.jobs.map_or_else(
        || "WARN notice".to_string(),
        |n| format!("{} jobs filed", thousands(u64::from(n))),
    );
    let tail = format!(": {jobs} in {} ({})", f.line.state, f.line.notice_date);
    fit(&f.company, &tail)
}

/// "Weekly layoffs digest to 2026-11-30".
pub fn digest_topic(p: &DigestPeriod) -> String {
    let kind = match p.mode {
        Mode::Daily => "Daily",
        Mode::Weekly | Mode::Each => "Weekly",
    };
    format!("{kind} layoffs digest to {}", p.end.date_naive())
}

/// `name` shortened so that `name` + `tail` fits: the date and number always show.
fn fit(name: &str, tail: &str) -> String {
    let room = TOPIC_LENGTH.saturating_sub(tail.chars().count()).max(10);
    truncate(&format!("{}{tail}", truncate(name, room)), TOPIC_LENGTH)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::EventScope;

    fn event(company: &str, headcount: Headcount) -> LayoffEvent {
        LayoffEvent {
            id: 1,
            company_id: 1,
            company: company.into(),
            date: chrono::NaiveDate::from_ymd_opt(2024, 4, 3).unwrap(),
            headcount,
            percentage: None,
            teams: None,
            location: None,
            source: None,
            more_sources: Vec::new(),
            notes: None,
            scope: EventScope::Global,
            added_by: crate::domain::Actor::cli("t"),
            added_at: chrono::DateTime::UNIX_EPOCH,
            updated_at: None,
        }
    }

    #[test]
    fn topics_name_the_company_the_number_and_the_day_within_100_characters() {
        let e = event("Amazon", Headcount::Approx("hundreds".into()));
        assert_eq!(event_topic(&e), "Amazon: hundreds of jobs (2024-04-03)");
        let e = event("Amazon", Headcount::Exact(1200));
        assert_eq!(event_topic(&e), "Amazon: 1,200 jobs (2024-04-03)");
        let long = event(&"A very long company name ".repeat(10), Headcount::Unknown);
        let topic = event_topic(&long);
        assert!(topic.chars().count() <= TOPIC_LENGTH, "{topic}");
        assert!(topic.ends_with(": layoffs (2024-04-03)"), "{topic}");
    }
}
