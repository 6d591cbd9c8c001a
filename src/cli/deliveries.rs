//! `layoffs-bot deliveries [--retry-dead]`, `digest --send-now` and `follows`: the outbox and
//! who it posts to, as the operator sees them.

use std::fmt::Write as _;
use std::process::ExitCode;

use chrono::Utc;

use super::emit;
use crate::domain::Tenant;
use crate::error::Result;
use crate::service;
use crate::store::{DeliveryStatus, Store};

/// `digest --send-now`: queues the digests and says what it did.
pub(super) async fn digest_now(store: &Store, guild: Option<u64>) -> Result<ExitCode> {
    let hour = crate::config::digest_hour(&|name: &str| std::env::var(name).ok())?;
    let tenant = guild.map(Tenant::discord);
    let (done, subs) = service::digests::send_now(store, Utc::now(), hour, tenant.as_ref()).await?;
    if subs == 0 {
        eprintln!(
            "No channel gets digests{}: subscribe one with /layoff-alerts subscribe mode:daily or mode:weekly.",
            guild.map_or(String::new(), |g| format!(" in guild {g}"))
        );
        return Ok(ExitCode::SUCCESS);
    }
    emit(&format!(
        "Digests queued: {} (the running bot posts them). Nothing to report yet: {}. Already queued: {}.\n",
        done.queued, done.empty, done.already
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// `deliveries [--retry-dead]`.
pub(super) async fn deliveries(store: &Store, retry_dead: bool) -> Result<ExitCode> {
    if retry_dead {
        let n = service::deliveries::retry_dead(store, Utc::now()).await?;
        eprintln!("{n} dead deliveries will be tried again");
    }
    emit(&deliveries_text(store).await?)?;
    Ok(ExitCode::SUCCESS)
}

/// Dead deliveries listed by `deliveries` (the count covers them all).
const DEAD_SHOWN: u32 = 50;

async fn deliveries_text(store: &Store) -> Result<String> {
    let service::deliveries::OutboxReport {
        open: rows,
        disabled,
        dead,
        dead_total,
    } = service::deliveries::outbox_report(store, DEAD_SHOWN).await?;
    let mut out = String::new();
    let pending: Vec<_> = rows
        .iter()
        .filter(|r| r.status == DeliveryStatus::Pending && r.last_error.is_none())
        .collect();
    let failing: Vec<_> = rows
        .iter()
        .filter(|r| r.status == DeliveryStatus::Pending && r.last_error.is_some())
        .collect();
    let dead: Vec<_> = dead.iter().collect();
    for (title, list, total) in [
        ("Pending", &pending, pending.len() as u64),
        ("Failing (will retry)", &failing, failing.len() as u64),
        ("Dead", &dead, dead_total),
    ] {
        let _ = writeln!(out, "{title}: {total}");
        if total > list.len() as u64 {
            let _ = writeln!(out, "  (the newest {} shown, newest first)", list.len());
        }
        for r in list.as_slice() {
            let _ = write!(
                out,
                "  delivery {} of {} to channel {}: {} attempts, next {}",
                r.id,
                r.what,
                r.channel
                    .as_ref()
                    .map_or_else(String::new, ToString::to_string),
                r.attempts,
                r.next_attempt_at
            );
            if let Some(e) = &r.last_error {
                let _ = write!(out, ", last error: {e}");
            }
            out.push('\n');
        }
    }
    let _ = writeln!(out, "Disabled subscriptions: {}", disabled.len());
    for d in &disabled {
        let _ = writeln!(out, "  channel {} of {}: {}", d.channel, d.tenant, d.reason);
    }
    Ok(out)
}

/// `follows`: followers per company, most followed first.
pub(super) async fn follows(store: &Store) -> Result<ExitCode> {
    let counts = service::follows::counts(store).await?;
    if counts.is_empty() {
        emit("Nobody follows a company yet (/layoffs-follow add).\n")?;
        return Ok(ExitCode::SUCCESS);
    }
    let people: i64 = counts.iter().map(|(_, n)| n).sum();
    let mut out = format!("{people} follows of {} companies:\n", counts.len());
    for (company, n) in &counts {
        let _ = writeln!(out, "{n:>6}  {company}");
    }
    emit(&out)?;
    Ok(ExitCode::SUCCESS)
}
