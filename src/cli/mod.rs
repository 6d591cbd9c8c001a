//! The `layoffs-bot` command line: import, export, query, companies and totals.

mod candidates;
mod companies;
mod deliveries;
mod import_files;
mod progress;
mod snapshots;
mod sources;
mod stats;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{NaiveDate, Utc};
use clap::{Parser, Subcommand};

use crate::app;
use crate::csv_io as import;
use crate::domain::{Days, Tenant, Viewer, thousands};
use crate::error::{Error, Result};
use crate::render;
use crate::service;
use crate::store::{DEFAULT_DATABASE_URL, Store};

/// `--days` as clap checks it: 1 to [`Days::MAX`].
const DAYS_RANGE: std::ops::RangeInclusive<i64> = 1..=Days::MAX as i64;

#[derive(Debug, Parser)]
#[command(
    name = "layoffs-bot",
    version,
    about = "A curated, sourced record of tech layoffs"
)]
pub struct Cli {
    /// The `SQLite` store; the file is created if missing.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the Discord bot (needs DISCORD_TOKEN; see README) until Ctrl-C or SIGTERM.
    Run,
    /// Serve only the public web page (WEB_LISTEN_ADDR) until Ctrl-C or SIGTERM.
    Web,
    /// Import layoffs.fyi CSV exports into the global record (each file in one transaction).
    Import {
        /// One or more CSV files, in either layoffs.fyi layout.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Check the files and report what would be imported, writing nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import rows that look like another company's event (probable duplicates) anyway.
        #[arg(long)]
        accept_probable: bool,
        /// Post each new WARN filing to the channels subscribed with filings:true (through
        /// the outbox; the running bot delivers them). Plain imports post nothing.
        #[arg(long)]
        announce: bool,
        /// With --announce: over this many new filings in a file, none is posted (a
        /// historical file would flood every channel).
        #[arg(long, value_name = "N", requires = "announce")]
        announce_max: Option<usize>,
    },
    /// Export the global record as CSV in the newer layoffs.fyi layout.
    Export {
        /// Only this company's events (any spelling or alias).
        #[arg(long)]
        company: Option<String>,
        /// Where to write; standard output when left out.
        file: Option<PathBuf>,
    },
    /// Show a company's layoffs, newest first, as /layoffs does; the latest layoffs without one.
    Query {
        /// A company name or alias, in any spelling.
        company: Option<String>,
        /// Keep only the last N days (1-3650).
        #[arg(long, value_parser = clap::value_parser!(u32).range(DAYS_RANGE))]
        days: Option<u32>,
        /// Which page of results, from 1.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        page: u32,
        /// Also show the events private to this Discord guild (server) id.
        #[arg(long)]
        guild: Option<u64>,
    },
    /// List up to 25 company names for a partial name, as autocomplete does; or fix names
    /// with `companies alias` and `companies merge`.
    #[command(args_conflicts_with_subcommands = true)]
    Companies {
        #[command(subcommand)]
        fix: Option<companies::CompanyFix>,
        /// The partial name; empty lists the companies with the most layoffs.
        #[arg(default_value = "")]
        input: String,
    },
    /// List pending, failing and dead deliveries of posts, and disabled subscriptions.
    Deliveries {
        /// Try the dead deliveries of active subscriptions again (after fixing what killed
        /// them); the running bot picks them up.
        #[arg(long)]
        retry_dead: bool,
    },
    /// Digests: `--send-now` queues the current period's digest of every daily or weekly
    /// subscription (with something to report) for the running bot to deliver.
    Digest {
        /// Queue them now, covering the period so far (the scheduled digest still follows).
        #[arg(long, required = true)]
        send_now: bool,
        /// Only this Discord guild (server) id's subscriptions.
        #[arg(long)]
        guild: Option<u64>,
    },
    /// Write a consistent, checked copy of the store to FILE, while the bot may keep running.
    Backup {
        /// Where to write it (through FILE.partial, renamed when checked).
        file: PathBuf,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Replace the store with the one in FILE (a backup or a Litestream restore), upgraded to
    /// this version; the replaced store is kept as <store>.bak. Stop the bot first.
    Restore {
        /// The store to put in place.
        file: PathBuf,
    },
    /// News items that read as a layoff (from feed sources), waiting for review: list them,
    /// `candidates add ID` or `candidates dismiss ID`.
    #[command(args_conflicts_with_subcommands = true)]
    Candidates {
        #[command(subcommand)]
        action: Option<candidates::CandidateAction>,
        /// Also list the settled ones, and how they were settled.
        #[arg(long)]
        all: bool,
    },
    /// How many people follow each company by DM (`/layoffs-follow`); no user ids.
    Follows,
    /// Sources the running bot fetches on a schedule and imports: add, list, remove, sync.
    Sources {
        #[command(subcommand)]
        command: sources::SourcesCommand,
    },
    /// Trends as /layoffs-stats shows them: totals, people a day, the year before, top lists.
    Stats(stats::StatsArgs),
    /// People affected per month, summing known numbers, optionally for one company.
    Totals {
        /// A company name or alias.
        company: Option<String>,
        /// Keep only the last N days (1-3650).
        #[arg(long, value_parser = clap::value_parser!(u32).range(DAYS_RANGE))]
        days: Option<u32>,
    },
}

/// Runs one command; errors go to stderr with a non-zero exit.
pub async fn run(cli: Cli) -> ExitCode {
    match execute(cli).await {
        Ok(code) => code,
        Err(err) => {
            // On the command line stderr is the log, and the operator sees the detail.
            if err.is_user_error() {
                eprintln!("error: {}", err.user_message());
            } else {
                eprintln!("error: {err}");
            }
            ExitCode::FAILURE
        }
    }
}

async fn execute(cli: Cli) -> Result<ExitCode> {
    // Check the bot's settings before touching the store.
    let bot_config = match cli.command {
        Command::Run => Some(crate::config::RunConfig::from_env()?),
        _ => None,
    };
    let today = Utc::now().date_naive();
    if let Command::Stats(args) = &cli.command {
        // Flags that cannot go together are refused before the store is looked for.
        args.period(today)?;
    }
    match &cli.command {
        Command::Web => return web(&cli.database_url).await,
        Command::Backup { file, force } => {
            return snapshots::backup(&cli.database_url, file, *force).await;
        }
        Command::Restore { file } => return snapshots::restore(&cli.database_url, file).await,
        _ => {}
    }
    let store = open_store(&cli).await?;
    let code = match (cli.command, bot_config) {
        (Command::Run, Some(config)) => {
            app::run(config, store.clone()).await?;
            ExitCode::SUCCESS
        }
        (command, _) => on_store(&store, command, today).await?,
    };
    store.close().await;
    Ok(code)
}

/// `web`: the web page alone.
async fn web(database_url: &str) -> Result<ExitCode> {
    let get = |name: &str| std::env::var(name).ok();
    let config = crate::config::WebConfig::from_lookup(&get)?.ok_or_else(|| {
        Error::Config(
            "WEB_LISTEN_ADDR is not set: say where the web page listens, such as 127.0.0.1:8080"
                .into(),
        )
    })?;
    let store = Store::open(database_url).await?;
    app::web_only(config, store).await?;
    Ok(ExitCode::SUCCESS)
}

/// The commands that work on the open store.
async fn on_store(store: &Store, command: Command, today: NaiveDate) -> Result<ExitCode> {
    let done = ExitCode::SUCCESS;
    Ok(match command {
        Command::Import {
            files,
            dry_run,
            accept_probable,
            announce,
            announce_max,
        } => {
            let options = import::FileOptions {
                dry_run,
                accept_probable,
                announce,
                announce_max,
                announce_events: false,
            };
            import_files::run(store, &files, options).await
        }
        Command::Export { company, file } => export(store, company.as_deref(), file).await?,
        Command::Query {
            company,
            days,
            page,
            guild,
        } => query(store, company.as_deref(), days, page, guild, today).await?,
        Command::Companies { fix: None, input } => {
            emit(&companies::matching(store, &input).await?)?;
            done
        }
        Command::Companies { fix: Some(fix), .. } => {
            emit(&companies::fix(store, fix).await?)?;
            done
        }
        Command::Deliveries { retry_dead } => deliveries::deliveries(store, retry_dead).await?,
        Command::Sources { command } => sources::run(store, command).await?,
        Command::Candidates { action, all } => candidates::run(store, action, all).await?,
        Command::Follows => deliveries::follows(store).await?,
        Command::Stats(args) => stats::run(store, args, today).await?,
        Command::Digest { send_now: _, guild } => deliveries::digest_now(store, guild).await?,
        Command::Totals { company, days } => {
            emit(&totals_text(store, company.as_deref(), days_of(days)?, today).await?)?;
            done
        }
        // Answered before the store is opened.
        Command::Run | Command::Web | Command::Backup { .. } | Command::Restore { .. } => done,
    })
}

async fn query(
    store: &Store,
    company: Option<&str>,
    days: Option<u32>,
    page: u32,
    guild: Option<u64>,
    today: chrono::NaiveDate,
) -> Result<ExitCode> {
    let viewer = Viewer {
        tenant: guild.map(Tenant::discord),
    };
    let days = days_of(days)?;
    let listing = service::listing(store, company, &viewer, days, page - 1, today).await?;
    emit(&render::listing_text(&listing))?;
    Ok(ExitCode::SUCCESS)
}

/// The store; commands that only read never create one (a mistyped DATABASE_URL is an error).
async fn open_store(cli: &Cli) -> Result<Store> {
    let only_reads = matches!(
        cli.command,
        Command::Query { .. }
            | Command::Companies { fix: None, .. }
            | Command::Totals { .. }
            | Command::Stats(_)
            | Command::Export { .. }
            | Command::Deliveries { retry_dead: false }
            | Command::Follows
    );
    if only_reads {
        Store::open_existing(&cli.database_url).await
    } else {
        Store::open(&cli.database_url).await
    }
}

/// The global company a name means, if one was given.
async fn company_id(store: &Store, name: Option<&str>) -> Result<Option<i64>> {
    Ok(match name {
        Some(name) => Some(
            service::resolve_company(store, name, &Viewer::EVERYONE)
                .await?
                .id,
        ),
        None => None,
    })
}

fn days_of(days: Option<u32>) -> Result<Option<Days>> {
    Ok(days.map(|d| Days::parse(i64::from(d))).transpose()?)
}

async fn totals_text(
    store: &Store,
    company: Option<&str>,
    days: Option<Days>,
    today: NaiveDate,
) -> Result<String> {
    let company_id = company_id(store, company).await?;
    let since = days.map(|d| d.since(today));
    let mut out = String::from("month    layoffs  people (known)  without a number\n");
    for m in service::listing::monthly_totals(store, company_id, &Viewer::EVERYONE, since).await? {
        let _ = writeln!(
            out,
            "{}  {:>7}  {:>14}  {:>16}",
            m.month,
            thousands(m.totals.events),
            thousands(m.totals.people),
            thousands(m.totals.unknown)
        );
    }
    Ok(out)
}

/// Writes to standard output; a closed pipe (`| head`) is not an error.
pub(crate) fn emit(text: &str) -> Result<()> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

async fn export(store: &Store, company: Option<&str>, file: Option<PathBuf>) -> Result<ExitCode> {
    let company_id = company_id(store, company).await?;
    if let Some(path) = file {
        {
            // Write beside the target and rename, so a failed export leaves no half file.
            let tmp = path.with_extension("csv.partial");
            let out = std::fs::File::create(&tmp)
                .map_err(|e| Error::BadFile(format!("cannot create {}: {e}", tmp.display())))?;
            let progress = progress::for_terminal(None, "export");
            let out = std::io::BufWriter::new(out);
            let written = match service::listing::global_events(store, company_id).await {
                Ok(rows) => import::export(&rows, out, &*progress),
                Err(e) => Err(e),
            };
            drop(progress);
            let count = match written {
                Ok(count) => count,
                Err(e) => {
                    let _ = std::fs::remove_file(&tmp);
                    return Err(e);
                }
            };
            if let Err(e) = std::fs::rename(&tmp, &path) {
                let _ = std::fs::remove_file(&tmp);
                return Err(Error::BadFile(format!(
                    "cannot write {}: {e}; nothing was exported",
                    path.display()
                )));
            }
            eprintln!("exported {count} events to {}", path.display());
        }
    } else {
        let mut buf = Vec::new();
        let rows = service::listing::global_events(store, company_id).await?;
        import::export(&rows, &mut buf, &import::Silent)?;
        emit(&String::from_utf8_lossy(&buf))?;
    }
    Ok(ExitCode::SUCCESS)
}
