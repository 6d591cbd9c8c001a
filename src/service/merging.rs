//! What an import does with a row that is not an exact duplicate, decided in file order: merge
//! it into the event it is the same cut as (one from before the run, or one this run imported),
//! hold it back as a probable duplicate of another company's event from another source, or
//! import it.

use foldhash::{HashMap, HashSet};

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
    /// The next candidate of the same company and date (`NONE`: the last).
    next: u32,
}

const NONE: u32 = u32::MAX;

/// The events rows may merge into, chained by company and date (one small record a row: a
/// large import holds one for each row it imports), and the events from before the run by date
/// (for probable duplicates). Companies are keyed by their merge key: the id of a company from
/// before the run, a negative number for one this run creates.
#[derive(Default)]
pub struct Candidates {
    /// The first and last candidate of each company and date.
    chains: HashMap<(i64, NaiveDate), (u32, u32)>,
    all: Vec<Candidate>,
    before_run: HashMap<NaiveDate, Vec<DatedEvent>>,
    loaded: HashSet<NaiveDate>,
    /// This chunk's imported rows, to be given their ids.
    pending: Vec<u32>,
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
            self.push(e.company_id, e.date, Target::Event(e.id), figures);
            self.before_run.entry(e.date).or_default().push(e);
        }
    }

    fn push(&mut self, company: i64, date: NaiveDate, target: Target, figures: Figures) -> u32 {
        let at = u32::try_from(self.all.len()).unwrap_or(NONE);
        // Oldest first in the chain: a row merges into the first event it matches.
        match self.chains.get_mut(&(company, date)) {
            Some((_, last)) => {
                if let Some(c) = self.all.get_mut(*last as usize) {
                    c.next = at;
                }
                *last = at;
            }
            None => {
                self.chains.insert((company, date), (at, at));
            }
        }
        self.all.push(Candidate {
            target,
            figures,
            next: NONE,
        });
        at
    }

    /// The first candidate of the row's company and date that is the same cut.
    fn same_cut_as(&self, row: &RowView<'_>) -> Option<usize> {
        let mut at = self.chains.get(&(row.company, row.date))?.0;
        while let Some(c) = self.all.get(at as usize) {
            if same_cut(&c.figures, &row.figures) {
                return Some(at as usize);
            }
            at = c.next;
        }
        None
    }

    /// Decides one row, in file order, and records its effect on later rows. `pending` is how
    /// many rows this chunk imports before it.
    pub fn decide(&mut self, row: &RowView<'_>, accept_probable: bool, pending: usize) -> Decision {
        if let Some(at) = self.same_cut_as(row) {
            let candidate = &mut self.all[at];
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
        let at = self.push(row.company, row.date, Target::Pending(pending), row.figures);
        self.pending.push(at);
        Decision::New
    }

    /// This chunk's imported rows got ids from `first` on, in order.
    pub fn settle(&mut self, first: i64) {
        for at in self.pending.drain(..) {
            if let Some(c) = self.all.get_mut(at as usize)
                && let Target::Pending(k) = c.target
            {
                c.target = Target::Event(first + i64::try_from(k).unwrap_or(i64::MAX));
            }
        }
    }
}
