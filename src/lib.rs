//! layoffs-bot keeps a curated, sourced record of tech-industry layoffs and brings it into
//! chat communities; this crate is its library, and the binary is a thin shell around it.
//!
//! # Layout
//! Data flows one way: front ends ([`discord`], [`slack`], [`web`], [`cli`]) → [`service`] →
//! [`store`] and [`domain`]; [`render`] turns domain data into platform-neutral views (one
//! markup, [`render::markup`]); [`notify`] delivers them through the `ChannelPoster` seam;
//! [`app`] wires it all at start and is the only module that lists platforms.
//! - [`domain`]: pure types and rules (tenants, channel references, company names, event
//!   fields, pages, matching, periods, digests).
//! - [`render`]: views, our markup, every shared reply sentence, text and charts.
//! - [`store`]: `SQLite`; every SQL statement lives here (the outbox family in `store::outbox`).
//! - [`service`]: the use cases; each write is one transaction owned here, and rings the
//!   delivery worker when it queued posts.
//! - [`csv_io`]: layoffs.fyi CSV and WARN files in, CSV out.
//! - [`sources`]: operator-named URLs fetched on a schedule and imported through [`csv_io`].
//! - [`notify`]: the delivery worker; it knows no platform.
//! - [`discord`], [`slack`]: one folder per platform with its front end, poster, wire format
//!   and markup conversion; [`web`]: the public page of the global record (HTML, CSV, Atom).
//! - [`health`], [`telemetry`]: `/healthz`, `/readyz` and `/metrics`, and what is counted.
//! - [`serve`]: the bounded HTTP accept loop every listener uses (connection cap, deadlines).
//! - [`cli`]: the `layoffs-bot` command line; [`app`]: start-up wiring, routing and shutdown.
//! - [`config`], [`error`]: the bot's settings, and the one error type.
//!
//! # Adding a platform, a command or an alert filter
//! - A platform: its folder (front end, `ChannelPoster`, markup conversion, id checks), a
//!   [`domain::Platform`] variant and a migration admitting it, a route in `app/posters.rs`
//!   and its start in `app/mod.rs`.
//! - A command: the use case in [`service`], its view or sentences in [`render`] (short answers
//!   in `render::replies`), a thin handler in each front end.
//! - An alert filter: [`domain::AlertFilter`] and its `matches`, a migration and
//!   `store/subscriptions.rs` (and `Candidate::of` in `store/outbox/fanout.rs`),
//!   `service::alerts::settings_of` (`service/alert_settings.rs`), its phrase in
//!   `render::alerts`, and the option in each front end.
//! - A follow-up of a sent post (like a crosspost or a thread under it): its columns on
//!   `deliveries`, set due in `mark_sent`, a [`store::FollowUp`] variant and its due rows, a
//!   `ChannelPoster` method, and its step in `notify/followups.rs`.

pub mod app;
pub mod cli;
pub mod config;
pub mod csv_io;
pub mod discord;
pub mod domain;
pub mod error;
pub mod health;
pub mod notify;
pub mod render;
pub mod serve;
pub mod service;
pub mod slack;
pub mod sources;
pub mod store;
pub mod telemetry;
pub mod web;

pub use error::{Error, Result};
pub use store::Store;
