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
    /// Review queue: open the add form for a candidate, prefilled.
    ReviewAdd(i64),
    /// Review queue: the candidate is the same layoff as a recorded event.
    ReviewSame { candidate: i64, event: i64 },
    /// Review queue: not a layoff to record.
    ReviewDismiss(i64),
    /// The submission of a candidate's add form (a form id, not a button).
    ReviewForm(i64),
}

const PAGE: &str = "lp";
const ADD_ANYWAY: &str = "la";
const CANCEL: &str = "lc";
const REMOVE: &str = "lr";
const KEEP: &str = "lk";
const REVIEW_ADD: &str = "va";
const REVIEW_SAME: &str = "vs";
const REVIEW_DISMISS: &str = "vd";
const REVIEW_FORM: &str = "vf";
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
            Self::ReviewAdd(id) => write!(f, "{REVIEW_ADD}:{id}"),
            Self::ReviewSame { candidate, event } => {
                write!(f, "{REVIEW_SAME}:{candidate}:{event}")
            }
            Self::ReviewDismiss(id) => write!(f, "{REVIEW_DISMISS}:{id}"),
            Self::ReviewForm(id) => write!(f, "{REVIEW_FORM}:{id}"),
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
            [REVIEW_ADD, id] => id.parse().ok().map(Self::ReviewAdd),
            [REVIEW_SAME, candidate, event] => Some(Self::ReviewSame {
                candidate: candidate.parse().ok()?,
                event: event.parse().ok()?,
            }),
            [REVIEW_DISMISS, id] => id.parse().ok().map(Self::ReviewDismiss),
            [REVIEW_FORM, id] => id.parse().ok().map(Self::ReviewForm),
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
        let same = ButtonId::ReviewSame {
            candidate: 4,
            event: 12,
        };
        assert_eq!(same.to_string(), "vs:4:12");
        assert_eq!(ButtonId::parse("vs:4:12"), Some(same));
        assert_eq!(ButtonId::parse("va:4"), Some(ButtonId::ReviewAdd(4)));
        assert_eq!(ButtonId::ReviewDismiss(4).to_string(), "vd:4");
        assert_eq!(ButtonId::parse("vf:4"), Some(ButtonId::ReviewForm(4)));
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
