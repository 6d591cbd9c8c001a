//! The one integration test binary: the store and its queries, CSV import and export, the
//! command line, and the real bot against a fake Discord, each on a real temporary SQLite file.

// Test scenarios read top to bottom as a user would act; json! values are built inline.
#![allow(clippy::needless_pass_by_value, clippy::match_wild_err_arm)]

mod alert_bot;
mod alert_forum;
mod alert_lists;
mod alert_lists_bot;
mod alerts;
mod architecture;
mod backup;
mod bot;
mod browser;
mod bulk;
mod cli;
mod commands;
mod delivery;
mod fanout_removal;
mod feeds;
mod follows;
mod follows_fanout;
mod follows_slack;
mod follows_store;
mod health;
mod import;
mod listing_kept;
mod litestream;
mod merge;
mod migrate;
mod migrate_channels;
mod outbox;
mod period_rule;
mod review;
mod review_slack;
mod serve;
mod slack;
mod slack_hardening;
mod sources;
mod sources_e2e;
mod stats;
mod store;
mod support;
mod warn;
mod warn_hardening;
mod web;
