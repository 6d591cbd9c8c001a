//! Button ids: what a button does, with its state in the id itself so that buttons keep
//! working after a restart. One enum, formatted and parsed here for every front end.

use std::fmt;

/// What a pressed button asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ButtonId {
    /// A page (from 0) of a listing: one company's (by id) or the latest, over `days`.
    Page {
        company: Option<i64>,
        days: Option<u32>,
        page: u32,
    },
    /// Store a held addition.
    AddAnyway(i64),
    /// Drop a held addition.
    Cancel(i64),
    /// Remove an event, confirmed (Slack's `/layoff remove` asks first).
    Remove(i64),
    /// Keep an event after all.
    Keep(i64),
}

const PAGE: &str = "lp";
const ADD_ANYWAY: &str = "la";
const CANCEL: &str = "lc";
const REMOVE: &str = "lr";
const KEEP: &str = "lk";
const NONE: &str = "-";

impl fmt::Display for ButtonId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let opt = |v: Option<String>| v.unwrap_or_else(|| NONE.to_string());
        match self {
            Self::Page {
                company,
                days,
                page,
            } => write!(
                f,
                "{PAGE}:{}:{}:{page}",
                opt(company.map(|c| c.to_string())),
                opt(days.map(|d| d.to_string()))
            ),
            Self::AddAnyway(id) => write!(f, "{ADD_ANYWAY}:{id}"),
            Self::Cancel(id) => write!(f, "{CANCEL}:{id}"),
            Self::Remove(id) => write!(f, "{REMOVE}:{id}"),
            Self::Keep(id) => write!(f, "{KEEP}:{id}"),
        }
    }
}

impl ButtonId {
    /// The id a button carries; None for anything we did not make (or a forged id).
    pub fn parse(id: &str) -> Option<Self> {
        // Outer None: not a valid part; inner None: the part says "none".
        #[allow(clippy::option_option)]
        fn opt<T: std::str::FromStr>(part: &str) -> Option<Option<T>> {
            if part == NONE {
                Some(None)
            } else {
                part.parse().ok().map(Some)
            }
        }
        let parts: Vec<&str> = id.split(':').collect();
        match parts.as_slice() {
            [PAGE, company, days, page] => Some(Self::Page {
                company: opt(company)?,
                days: opt(days)?,
                page: page.parse().ok()?,
            }),
            [ADD_ANYWAY, pending] => pending.parse().ok().map(Self::AddAnyway),
            [CANCEL, pending] => pending.parse().ok().map(Self::Cancel),
            [REMOVE, event] => event.parse().ok().map(Self::Remove),
            [KEEP, event] => event.parse().ok().map(Self::Keep),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_keep_the_format_of_buttons_already_sent() {
        let page = ButtonId::Page {
            company: Some(42),
            days: None,
            page: 3,
        };
        assert_eq!(page.to_string(), "lp:42:-:3");
        assert_eq!(ButtonId::parse("lp:42:-:3"), Some(page));
        assert_eq!(
            ButtonId::parse("lp:-:30:0"),
            Some(ButtonId::Page {
                company: None,
                days: Some(30),
                page: 0
            })
        );
        assert_eq!(ButtonId::parse("la:7"), Some(ButtonId::AddAnyway(7)));
        assert_eq!(ButtonId::Cancel(7).to_string(), "lc:7");
        assert_eq!(ButtonId::parse("lr:9"), Some(ButtonId::Remove(9)));
        assert_eq!(ButtonId::Keep(9).to_string(), "lk:9");
        let longest = ButtonId::Page {
            company: Some(i64::MIN),
            days: Some(u32::MAX),
            page: u32::MAX,
        };
        assert!(longest.to_string().len() <= crate::render::limits::CUSTOM_ID_LENGTH);
    }

    #[test]
    fn forged_ids_are_refused() {
        for id in [
            "",
            "lp",
            "lp:1:2",
            "lp:x:-:0",
            "lp:1:-:-1",
            "lp:1:-:99999999999",
            "la:",
            "zz:1",
            "la:1:2",
        ] {
            assert_eq!(ButtonId::parse(id), None, "{id}");
        }
    }
}
