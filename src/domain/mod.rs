//! Pure domain types and rules: company names, layoff events, name matching. No I/O here.

pub mod company;
pub mod event;
pub mod search;

pub use company::{BUILTIN_ALIASES, CompanyName, normalize_key};
pub use event::{Actor, EventScope, Headcount, LayoffEvent, NewEvent, Percentage, Source, Viewer};
pub use search::{Match, NameEntry, NameIndex, Tier};

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
