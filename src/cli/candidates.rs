//! `layoffs-bot candidates [--all]`, `candidates add ID`, `candidates same ID EVENT`,
//! `candidates dismiss ID`: news items
//! that read as a layoff, reviewed from the command line.

use std::fmt::Write as _;
use std::process::ExitCode;

use chrono::Utc;
use clap::Subcommand;

use super::emit;
use crate::error::Result;
use crate::service::candidates::{self, CandidateRow};
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum CandidateAction {
    /// Add a candidate to the global record as read (override any part), with its posts.
    Add {
        /// The candidate's number (#ID in the list).
        id: i64,
        /// The company, when the headline named none in the record or named the wrong one.
        #[arg(long)]
        company: Option<String>,
        /// People affected: a number, or wording such as "hundreds".
        #[arg(long)]
        people: Option<String>,
        /// Share of the staff, in percent.
        #[arg(long)]
        percent: Option<f64>,
        /// The date (YYYY-MM-DD), when not the article's.
        #[arg(long)]
        date: Option<String>,
    },
    /// The candidate is an event already recorded: its link becomes a further source of it.
    Same {
        /// The candidate's number.
        id: i64,
        /// The recorded event's number (#N, as "probably #N" says).
        event: i64,
    },
    /// Dismiss a candidate: not a layoff, or not one for the record.
    Dismiss {
        /// The candidate's number.
        id: i64,
    },
}

pub async fn run(store: &Store, action: Option<CandidateAction>, all: bool) -> Result<ExitCode> {
    let actor = candidates::Reviewer::operator("candidates");
    match action {
        None => emit(&list_text(&candidates::list(store, all).await?, all))?,
        Some(CandidateAction::Same { id, event }) => {
            let event = candidates::same(store, id, event, &actor, Utc::now()).await?;
            emit(&format!(
                "Candidate #{id} is event #{} ({} on {}): its link is now one of the event's sources.\n",
                event.id, event.company, event.date
            ))?;
        }
        Some(CandidateAction::Dismiss { id }) => {
            candidates::dismiss(store, id, &actor, Utc::now()).await?;
            emit(&format!("Dismissed candidate #{id}.\n"))?;
        }
        Some(CandidateAction::Add {
            id,
            company,
            people,
            percent,
            date,
        }) => {
            let mut raw = candidates::raw_event(&candidates::get(store, id).await?);
            if company.is_some() {
                raw.company = company;
            }
            if let Some(people) = people {
                let count = people.trim().parse::<i64>().ok();
                raw.approx = count.is_none().then_some(people);
                raw.count = count;
            }
            if percent.is_some() {
                raw.percent = percent;
            }
            if date.is_some() {
                raw.date = date;
            }
            let event = candidates::add(store, id, &raw, &actor, Utc::now()).await?;
            emit(&format!(
                "Added candidate #{id} as event #{} ({} on {}); channels that follow it are posted to.\n",
                event.id, event.company, event.date
            ))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn what_was_read(c: &CandidateRow) -> String {
    let mut parts = vec![
        c.company
            .clone()
            .unwrap_or_else(|| "no company in the record".into()),
    ];
    if let Some(n) = c.headcount {
        parts.push(format!("{n} people"));
    } else if let Some(w) = &c.headcount_text {
        parts.push(w.clone());
    }
    if let Some(p) = c.percentage {
        parts.push(format!("{p}% of staff"));
    }
    if let Some(t) = &c.teams {
        parts.push(format!("teams: {t}"));
    }
    if let Some(l) = &c.location {
        parts.push(format!("in {l}"));
    }
    parts.join(" · ")
}

/// The list: open candidates (with `all`, settled ones too, and how).
pub fn list_text(list: &[CandidateRow], all: bool) -> String {
    if list.is_empty() {
        return if all {
            "No candidates yet: add a news feed with `layoffs-bot sources add NAME URL --kind feed`.\n".into()
        } else {
            "No open candidates (`candidates --all` shows the settled ones too).\n".into()
        };
    }
    let mut out = String::new();
    for c in list {
        let _ = writeln!(
            out,
            "#{} {} [{}] {}",
            c.id,
            c.published_at.date_naive(),
            c.source,
            c.title
        );
        let _ = writeln!(out, "    read: {}", what_was_read(c));
        let _ = writeln!(out, "    {}", c.link);
        if let Some(near) = c.near_event_id {
            let _ = writeln!(out, "    probably #{near}, already recorded");
        }
        if c.status != "open" {
            let by = c.handled_by.as_deref().unwrap_or("someone");
            let how = match (c.status.as_str(), c.event_id) {
                ("added", Some(e)) => format!("added as #{e}"),
                ("same", Some(e)) => format!("the same as #{e}"),
                (status, _) => status.to_string(),
            };
            let _ = writeln!(out, "    {how} by {by}");
        }
    }
    out
}
