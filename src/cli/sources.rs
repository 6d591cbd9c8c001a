//! `layoffs-bot sources add|list|remove|sync`: the operator's scheduled fetches.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use chrono::{DateTime, Utc};
use clap::Subcommand;

use super::emit;
use crate::domain::source_spec::{self, SourceKind, SourceName, SourceSpec};
use crate::error::Result;
use crate::service::sources::{self as service, SourceRow};
use crate::sources::{self, Synced, fetch::Fetcher};
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum SourcesCommand {
    /// Add a source the running bot fetches on a schedule (the first sync is at once).
    Add {
        /// A short slug naming it, such as wa-warn.
        name: String,
        /// Where to fetch it: an http(s) URL.
        url: String,
        /// What the URL serves: csv (a layoffs.fyi export), warn (a WARN file) or feed (an
        /// RSS or Atom news feed, whose layoff headlines become candidates for review).
        #[arg(long)]
        kind: String,
        /// Time between syncs, such as 15m, 6h or 1d (at least 15m).
        #[arg(long, default_value = "6h")]
        every: String,
        /// Post new events (and filings) to matching channels, as a moderator's global
        /// addition would; never on the first sync, and never more than 50 at once.
        #[arg(long)]
        announce: bool,
        /// Feeds: more words that make a headline read as a layoff, separated by commas
        /// (such as "furlough, restructuring").
        #[arg(long)]
        words: Option<String>,
    },
    /// List the sources: kind, URL, interval, the last sync and its counts, errors, next try.
    List,
    /// Remove a source (what it imported stays in the record).
    Remove {
        /// The source's name.
        name: String,
    },
    /// Sync now, in the foreground: one source, or all of them.
    Sync {
        /// The source's name; all sources when left out.
        name: Option<String>,
    },
}

pub async fn run(store: &Store, command: SourcesCommand) -> Result<ExitCode> {
    match command {
        SourcesCommand::Add {
            name,
            url,
            kind,
            every,
            announce,
            words,
        } => {
            let spec = SourceSpec::parse(&name, &url, &kind, &every, announce, words.as_deref())?;
            service::add(store, &spec, Utc::now()).await?;
            emit(&format!(
                "Added source {} ({}, every {}{}): the running bot syncs it within a minute, or \
                 run `layoffs-bot sources sync {}` now.\n",
                spec.name.as_str(),
                spec.kind.as_str(),
                source_spec::format_every(spec.every),
                if announce {
                    ", announcing new events after the first sync"
                } else {
                    ""
                },
                spec.name.as_str()
            ))?;
        }
        SourcesCommand::List => emit(&list_text(&service::list(store).await?, Utc::now()))?,
        SourcesCommand::Remove { name } => {
            let name = SourceName::parse(&name)?;
            service::remove(store, &name).await?;
            emit(&format!(
                "Removed source {} (what it imported stays).\n",
                name.as_str()
            ))?;
        }
        SourcesCommand::Sync { name } => return sync(store, name.as_deref()).await,
    }
    Ok(ExitCode::SUCCESS)
}

async fn sync(store: &Store, name: Option<&str>) -> Result<ExitCode> {
    let names = if let Some(name) = name {
        let name = SourceName::parse(name)?;
        service::get(store, &name).await?;
        vec![name]
    } else {
        let all = service::list(store).await?;
        if all.is_empty() {
            eprintln!(
                "There are no sources: add one with `layoffs-bot sources add NAME URL --kind csv|warn`."
            );
            return Ok(ExitCode::FAILURE);
        }
        all.iter()
            .filter_map(|s| SourceName::parse(&s.name).ok())
            .collect()
    };
    let fetcher = Fetcher::new()?;
    let owner = service::lease_owner("cli");
    let mut failed = false;
    for name in names {
        let n = name.as_str();
        match sources::sync(store, &fetcher, &name, &owner, Utc::now()).await? {
            Synced::Imported(report) => {
                super::import_files::print_report(&format!("{n}: imported"), &report);
            }
            Synced::Read(report) => emit(&format!(
                "{n}: read: {} (see `layoffs-bot candidates`)\n",
                sources::feed_counts(&report)
            ))?,
            Synced::Unchanged => emit(&format!("{n}: unchanged since the last sync (HTTP 304)\n"))?,
            Synced::Busy => {
                failed = true;
                eprintln!("{n}: another process is syncing it now; try again when it is done");
            }
            Synced::Failed(error) => {
                failed = true;
                eprintln!("{n}: sync failed: {error} (nothing imported)");
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// `sources list`: a block a source.
pub fn list_text(sources: &[SourceRow], now: DateTime<Utc>) -> String {
    if sources.is_empty() {
        return "No sources. Add one with `layoffs-bot sources add NAME URL --kind csv|warn|feed`.\n"
            .into();
    }
    let mut out = String::new();
    for s in sources {
        heading(&mut out, s);
        last_sync(&mut out, s);
        if let (Some(owner), Some(until)) = (&s.lease_owner, s.lease_until)
            && until > now
        {
            let _ = writeln!(
                out,
                "  syncing now: {owner} (its lease runs until {})",
                when(until)
            );
        }
        let next = if s.next_at <= now {
            "now".to_string()
        } else {
            when(s.next_at)
        };
        let _ = writeln!(out, "  next try: {next}");
    }
    out
}

/// "name (kind, every 6h, announces): url".
fn heading(out: &mut String, s: &SourceRow) {
    let every = Duration::from_secs(u64::try_from(s.every_secs).unwrap_or_default());
    let announce = if s.announce { ", announces" } else { "" };
    let announce = match &s.words {
        Some(words) => format!("{announce}, also reading as layoffs: {words}"),
        None => announce.to_string(),
    };
    let _ = writeln!(
        out,
        "{} ({}, every {}{announce}): {}",
        s.name,
        s.kind,
        source_spec::format_every(every),
        s.url
    );
}

/// What the last sync did, what it found, and the last error.
fn last_sync(out: &mut String, s: &SourceRow) {
    let feed = s.kind == SourceKind::Feed.as_str();
    match (&s.last_sync_at, s.last_outcome.as_deref()) {
        (Some(at), Some(outcome)) => {
            let outcome = if feed && outcome == "imported" {
                "read"
            } else {
                outcome
            };
            let _ = writeln!(out, "  last sync: {} ({outcome})", when(*at));
        }
        _ => out.push_str("  last sync: never\n"),
    }
    if let Some(counts) = &s.last_counts {
        let what = if feed { "last read" } else { "last import" };
        let _ = writeln!(out, "  {what}: {counts}");
    }
    if let (Some(error), Some(at)) = (&s.last_error, s.last_error_at) {
        let failing = if s.failures > 0 {
            format!("failing, {} in a row", s.failures)
        } else {
            "since recovered".into()
        };
        let _ = writeln!(out, "  last error ({}, {failing}): {error}", when(at));
    }
}
