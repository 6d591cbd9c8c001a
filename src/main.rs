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
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG)),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = layoffs_bot::cli::Cli::parse();
    layoffs_bot::cli::run(cli).await
}
