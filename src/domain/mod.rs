//! Pure domain types and rules: tenants and scope, company names, event fields and events,
//! pages and totals, name matching. No I/O here.

pub mod alerts;
pub mod candidate;
pub mod channel;
pub mod company;
pub mod days;
pub mod digest_time;
pub mod distance;
pub mod event;
pub mod fields;
pub mod filing;
pub mod follow;
pub mod headline;
pub mod merge;
pub mod people_field;
pub mod records;
pub mod search;
pub mod source;
pub mod source_spec;
pub mod stats;
pub mod tenant;

pub use alerts::{
    AlertFilter, AlertSettings, CompanyNames, Digest, DigestPeriod, DigestTime, Mode, Subject,
    ThreadArchive,
};
pub use channel::ChannelRef;
pub use company::{BUILTIN_ALIASES, CompanyName, normalize_key};
pub use days::Days;
pub use event::{EventPatch, LayoffEvent, NewEvent, RawEvent};
pub use fields::{Headcount, Percentage, thousands};
pub use records::{Company, EventPage, Listing, MonthTotal, Page, Totals};
pub use search::{Match, NameEntry, NameIndex, Tier};
pub use source::Source;
pub use stats::{DateRange, Facet, Period, Ranked, Stats, WINDOWS, fold_facet, group_facets};
pub use tenant::{Actor, EventScope, Platform, Tenant, Viewer};

/// A value that failed validation: which field, and a sentence a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DomainError {
    pub field: &'static str,
    pub message: String,
}

impl DomainError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}
