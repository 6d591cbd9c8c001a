//! What an import does with a row that is not an exact duplicate, decided in file order: merge
//! it into the event it is the same cut as (one from before the run, or one this run imported),
//! hold it back as a probable duplicate of another company's event from another source, or
//! import it.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::domain::merge::{Figures, looks_alike, same_cut};
use crate::store::merge::DatedEvent;

/// An event a row can merge into: stored, or the `k`-th row this chunk imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Event(i64),
    Pending(usize),
}

/// What to do with a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    New,
    Merge(Target),
    /// Looks like another company's event `event_id` (named `company`).
    Probable {
        event_id: i64,
        company: String,
    },
}

struct Candidate {
    target: Target,
    figures: Figures,
}

/// The events rows may merge into, by company and date, and the events from before the run by
/// date (for probable duplicates). Companies are keyed by their merge key: the id of a company
/// from before the run, a negative number for one this run creates.
#[derive(Default)]
pub struct Candidates {
    by_company: HashMap<(i64, NaiveDate), Vec<Candidate>>,
    before_run: HashMap<NaiveDate, Vec<DatedEvent>>,
    loaded: HashSet<NaiveDate>,
    /// Candidates of this chunk's imported rows, to be given their ids.
    pending: Vec<(i64, NaiveDate, usize)>,
}

/// A row as the rules see it.
pub struct RowView<'a> {
    pub company: i64,
    pub date: NaiveDate,
    pub figures: Figures,
    pub industry: Option<&'a str>,
}

impl Candidates {
    /// Of `dates`, those whose events from before the run are not loaded yet.
    pub fn dates_to_load(&self, dates: impl IntoIterator<Item = NaiveDate>) -> Vec<NaiveDate> {
        let mut out: Vec<NaiveDate> = dates
            .into_iter()
            .filter(|d| !self.loaded.contains(d))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Events from before the run on `dates` (all of that date's events).
    pub fn load(&mut self, dates: &[NaiveDate], events: Vec<DatedEvent>) {
        self.loaded.extend(dates.iter().copied());
        for e in events {
            let figures = Figures::new(e.headcount, e.percentage, e.location.as_deref());
            self.by_company
                .entry((e.company_id, e.date))
                .or_default()
                .push(Candidate {
                    target: Target::Event(e.id),
                    figures,
                });
            self.before_run.entry(e.date).or_default().push(e);
        }
    }

    /// Decides one row, in file order, and records its effect on later rows. `pending` is how
    /// many rows this chunk imports before it.
    pub fn decide(&mut self, row: &RowView<'_>, accept_probable: bool, pending: usize) -> Decision {
        let key = (row.company, row.date);
        let same = self
            .by_company
            .get_mut(&key)
            .and_then(|list| list.iter_mut().find(|c| same_cut(&c.figures, &row.figures)));
        if let Some(candidate) = same {
            candidate.figures.absorb(&row.figures);
            return Decision::Merge(candidate.target);
        }
        if !accept_probable {
            let alike = self.before_run.get(&row.date).and_then(|events| {
                events.iter().find(|e| {
                    let figures = Figures::new(e.headcount, e.percentage, e.location.as_deref());
                    e.company_id != row.company
                        && looks_alike(&figures, e.industry.as_deref(), &row.figures, row.industry)
                })
            });
            if let Some(e) = alike {
                return Decision::Probable {
                    event_id: e.id,
                    company: e.company.clone(),
                };
            }
        }
        let list = self.by_company.entry(key).or_default();
        self.pending.push((row.company, row.date, list.len()));
        list.push(Candidate {
            target: Target::Pending(pending),
            figures: row.figures.clone(),
        });
        Decision::New
    }

    /// This chunk's imported rows got ids from `first` on, in order.
    pub fn settle(&mut self, first: i64) {
        for (company, date, at) in self.pending.drain(..) {
            if let Some(c) = self
                .by_company
                .get_mut(&(company, date))
                .and_then(|l| l.get_mut(at))
                && let Target::Pending(k) = c.target
            {
                c.target = Target::Event(first + i64::try_from(k).unwrap_or(i64::MAX));
            }
        }
    }
}
