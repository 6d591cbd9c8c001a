//! The `layoffs-bot` binary: loads `.env`, sets up logging, parses the command line and hands
//! over to the library.

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

/// What is logged when `RUST_LOG` is not set: warnings and errors (README says so too).
const DEFAULT_LOG: &str = "warn";

#[tokio::main]
async fn main() -> ExitCode {
    // A missing .env is normal; the environment alone is enough.
    let _ = dotenvy::dotenv();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // LOG_FORMAT=json: one JSON object a line, for log collectors.
    match std::env::var("LOG_FORMAT").unwrap_or_default().trim() {
        "" | "text" => logs.init(),
        "json" => logs.json().init(),
        other => {
            eprintln!("error: LOG_FORMAT must be text or json, not {other:?}");
            return ExitCode::FAILURE;
        }
    }
    let cli = layoffs_bot::cli::Cli::parse();
    layoffs_bot::cli::run(cli).await
}
