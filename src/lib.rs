//! layoffs-bot keeps a curated, sourced record of tech-industry layoffs and brings it into
//! chat communities; this crate is its library, and the binary is a thin shell around it.
//!
//! # Layout
//! Data flows one way: front ends ([`discord`], [`slack`], [`cli`]) → [`service`] → [`store`] and
//! [`domain`]; [`render`] turns domain data into platform-neutral views; [`notify`] delivers
//! them; [`app`] wires it all at start.
//! - [`domain`]: pure types and rules (tenants, company names, event fields, pages, matching).
//! - [`render`]: views (title, fields, footer, buttons, image) and text, within Discord's limits.
//! - [`store`]: `SQLite`; every SQL statement lives here. Writes take a transaction.
//! - [`service`]: the use cases; each write is one transaction owned here.
//! - [`csv_io`]: layoffs.fyi CSV import and export.
//! - [`notify`]: the delivery worker that posts to subscribed channels through the
//!   `ChannelPoster` seam; each platform's poster lives in its folder ([`slack`]'s) or, for
//!   Discord, still in `notify::poster` (issue 20 moves it); [`app`] routes between them.
//! - [`discord`]: the serenity + poise front end: commands, buttons, view adapter.
//! - [`slack`]: the Slack front end: signed endpoints or Socket Mode, commands, modals, Block
//!   Kit, and the Slack poster.
//! - [`serve`]: the bounded HTTP accept loop every listener uses (connection cap, deadlines).
//! - [`cli`]: the `layoffs-bot` command line; [`app`]: start-up wiring and shutdown.
//! - [`config`], [`error`]: the bot's settings, and the one error type.

pub mod app;
pub mod cli;
pub mod config;
pub mod csv_io;
pub mod discord;
pub mod domain;
pub mod error;
pub mod notify;
pub mod render;
pub mod serve;
pub mod service;
pub mod slack;
pub mod store;

pub use error::{Error, Result};
pub use store::Store;
