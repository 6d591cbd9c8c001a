//! layoffs-bot keeps a curated, sourced record of tech-industry layoffs and brings it into
//! Discord communities; this crate is its library, and the binary is a thin shell around it.
//!
//! # Layout
//! - [`domain`]: pure types and rules (company names, events, name matching). No I/O.
//! - [`render`]: the text people read, within Discord's limits.
//! - [`store`]: `SQLite`; every SQL statement lives here.
//! - [`service`]: the use cases the command line (and the bot) call.
//! - [`import`]: layoffs.fyi CSV import and export.
//! - [`notify`]: the outbox worker that posts new events to subscribed channels.
//! - [`cli`]: the `layoffs-bot` command line.
//! - [`discord`]: the serenity + poise glue: commands, buttons, permission checks.
//! - [`config`], [`error`]: the bot's settings, and the one error type.

pub mod cli;
pub mod config;
pub mod discord;
pub mod domain;
pub mod error;
pub mod import;
pub mod notify;
pub mod render;
pub mod service;
pub mod store;

pub use error::{Error, Result};
pub use store::Store;
