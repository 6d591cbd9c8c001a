//! `layoffs-bot companies`: names as autocomplete ranks them, and curators' fixes (aliases,
//! merges) to the global record's company names.

use std::fmt::Write as _;

use chrono::Utc;
use clap::Subcommand;

use crate::domain::{Actor, Viewer};
use crate::error::Result;
use crate::render::limits::AUTOCOMPLETE_CHOICE_COUNT;
use crate::service;
use crate::store::Store;

/// Curators' fixes to company names in the global record.
#[derive(Debug, Subcommand)]
pub enum CompanyFix {
    /// NAME now finds COMPANY, and future imports under NAME merge into it.
    Alias {
        /// The other name, e.g. Momentive.
        name: String,
        /// The company it means, in any spelling or alias, e.g. SurveyMonkey.
        company: String,
    },
    /// Moves FROM's events into INTO (merging same-day events, as import does) and keeps FROM
    /// as an alias of INTO.
    Merge { from: String, into: String },
}

pub async fn fix(store: &Store, fix: CompanyFix) -> Result<String> {
    use service::curation::{AliasOutcome, add_alias, merge_companies};
    let now = Utc::now();
    Ok(match fix {
        CompanyFix::Alias { name, company } => {
            match add_alias(store, &name, &company, &Actor::cli("companies alias"), now).await? {
                AliasOutcome::Added { alias, company } => {
                    format!("\"{alias}\" now finds {company}.\n")
                }
                AliasOutcome::Unchanged { alias, company } => {
                    format!("\"{alias}\" already finds {company}; nothing changed.\n")
                }
                AliasOutcome::Moved {
                    alias,
                    company,
                    was,
                } => format!("\"{alias}\" now finds {company} (it found {was}).\n"),
            }
        }
        CompanyFix::Merge { from, into } => {
            let actor = Actor::cli("companies merge");
            let done = merge_companies(store, &from, &into, &actor, now).await?;
            format!(
                "Merged {} into {}: {} events moved, {} merged into same-day events; \"{}\" \
                 now finds {}.\n",
                done.from, done.into, done.moved, done.merged, done.from, done.into
            )
        }
    })
}

pub async fn matching(store: &Store, input: &str) -> Result<String> {
    let mut out = String::new();
    let everyone = &Viewer::EVERYONE;
    for m in
        service::listing::autocomplete(store, input, everyone, AUTOCOMPLETE_CHOICE_COUNT).await?
    {
        if m.label == m.company {
            out.push_str(&m.company);
        } else {
            let _ = write!(out, "{} (alias of {})", m.label, m.company);
        }
        out.push('\n');
    }
    Ok(out)
}
