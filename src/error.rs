//! The crate's one error type: user-facing variants carry a message a person can act on;
//! internal ones are logged in full and shown only as a generic sentence.

use crate::domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that failed validation.
    #[error(transparent)]
    Invalid(#[from] DomainError),
    /// Something the user named does not exist (or is not theirs to see).
    #[error("{0}")]
    NotFound(String),
    /// A company name that matches nothing, with the names it may have meant.
    #[error("no company matches {name:?}")]
    UnknownCompany {
        name: String,
        suggestions: Vec<String>,
    },
    /// The user may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// A setting (such as DATABASE_URL) that cannot work.
    #[error("{0}")]
    Config(String),
    /// The store at `url` (DATABASE_URL) cannot be opened.
    #[error("cannot open the store at {url}: {problem:?}")]
    StoreOpen { url: String, problem: OpenProblem },
    /// A file the user gave us is not what it should be.
    #[error("{0}")]
    BadFile(String),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// A chat platform's API failed (its adapter converts its own error type).
    #[error("{platform} error: {source}")]
    Platform {
        platform: &'static str,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A bug or broken invariant of ours; logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Why the store could not be opened; worded by [`Error::user_message`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenProblem {
    /// Not a `sqlite:` URL.
    NotSqlite,
    /// A `sqlite:` URL that does not parse, with the parser's reason.
    BadUrl(String),
    /// SQLite could not open or create the file, with its reason.
    Unopenable(String),
    /// A command that only reads found no store there (SQLite's reason).
    Missing(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// What a user may see: the message for their own mistakes, a generic line otherwise.
    pub fn user_message(&self) -> String {
        match self {
            Self::Invalid(e) => e.message.clone(),
            Self::NotFound(m) | Self::Forbidden(m) | Self::BadFile(m) | Self::Config(m) => {
                m.clone()
            }
            Self::StoreOpen { url, problem } => match problem {
                OpenProblem::NotSqlite => format!(
                    "DATABASE_URL must be a SQLite URL such as sqlite://layoffs.db, not {url:?}"
                ),
                OpenProblem::BadUrl(reason) => {
                    format!("DATABASE_URL {url:?} is not valid: {reason}")
                }
                OpenProblem::Unopenable(reason) => {
                    format!("cannot open the store at {url}: {reason} (does its folder exist?)")
                }
                OpenProblem::Missing(reason) => format!(
                    "cannot open the store at {url}: {reason}; it is created by the first \
                     `layoffs-bot import FILE` (or `run`), so check DATABASE_URL"
                ),
            },
            Self::UnknownCompany { name, suggestions } => {
                let mut msg = format!("No company matches \"{name}\".");
                if !suggestions.is_empty() {
                    msg.push_str(" Did you mean: ");
                    msg.push_str(&suggestions.join(", "));
                    msg.push('?');
                }
                msg
            }
            Self::Db(_)
            | Self::Migrate(_)
            | Self::Io(_)
            | Self::Platform { .. }
            | Self::Internal(_) => {
                "Something went wrong on our side. It has been logged; please try again later."
                    .to_string()
            }
        }
    }

    /// Whether this is the user's doing (and so not worth an error-level log line).
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            Self::Invalid(_)
                | Self::NotFound(_)
                | Self::UnknownCompany { .. }
                | Self::Forbidden(_)
                | Self::BadFile(_)
                | Self::Config(_)
                | Self::StoreOpen { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_are_not_shown_raw() {
        let err = Error::Db(sqlx::Error::RowNotFound);
        assert!(!err.user_message().contains("row"));
        assert!(!err.is_user_error());
        let err = Error::Invalid(DomainError::invalid(
            "count",
            "the count must be at least 1",
        ));
        assert_eq!(err.user_message(), "the count must be at least 1");
    }
}
