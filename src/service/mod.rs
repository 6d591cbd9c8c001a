//! Use cases the front ends and the command line call. Each one that writes owns its
//! transaction, so what it does (store an event, audit it, queue its posts) reads top to
//! bottom here and commits whole or not at all.

mod alert_settings;
pub mod alerts;
mod batch;
mod batch_import;
pub mod buttons;
pub mod candidates;
pub mod curation;
pub mod deliveries;
pub mod digests;
pub mod filings;
pub mod follows;
pub mod import;
pub mod listing;
mod merging;
pub mod moderation;
pub mod requests;
pub mod review;
pub mod snapshots;
pub mod sources;
pub mod stats;

pub use alerts::{
    AlertRequest, Subscribed, subscribe, subscription_of, subscriptions, unsubscribe,
};
pub use batch_import::import_batch;
pub use import::{BatchEvent, BatchOutcome, BatchSource, ImportOptions, RowOutcome};
pub use listing::{PAGE_SIZE, SUGGESTIONS, listing, listing_for, resolve_company};
pub use moderation::{
    AddOutcome, HOLD_FOR, Moderator, NEARBY_DAYS, add_event, cancel_addition, confirm_addition,
    edit_event, record_event, remove_event,
};
pub use stats::{FacetKind, StatsRequest, complete_facet, facets, stats};

#[cfg(test)]
mod tests;
