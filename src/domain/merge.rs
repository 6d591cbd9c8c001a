//! One layoff, one event: when a row from another source is the same cut as an event (same
//! company and date, the caller's part; no conflicting number; the same city or an equal
//! number), and when a row under another name only looks like an event.

use super::fold_facet;

/// Percentages this close (in points) are the same figure, rounded differently.
pub const SAME_PERCENT: f64 = 0.5;

/// What the rules compare: the known numbers and the city. Small and `Copy`: an import holds
/// one per row it may merge later rows into.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Figures {
    pub headcount: Option<u32>,
    pub percentage: Option<f64>,
    /// A hash of [`city`] (0: no city); equal cities hash equal.
    pub city: u64,
}

impl Figures {
    pub fn new(headcount: Option<u32>, percentage: Option<f64>, location: Option<&str>) -> Self {
        Self {
            headcount,
            percentage,
            city: city_hash(location),
        }
    }

    /// Takes the other side's facts where this one has none (as a merge fills an event in).
    pub fn absorb(&mut self, other: &Self) {
        self.headcount = self.headcount.or(other.headcount);
        self.percentage = self.percentage.or(other.percentage);
        if self.city == 0 {
            self.city = other.city;
        }
    }

    fn same_city(&self, other: &Self) -> bool {
        self.city != 0 && self.city == other.city
    }
}

/// [`city`] hashed (0 for none). The hasher is keyed the same in every process (it is never
/// stored, but runs must agree with themselves).
fn city_hash(location: Option<&str>) -> u64 {
    use std::hash::{Hash, Hasher};
    let city = city(location);
    if city.is_empty() {
        return 0;
    }
    let mut h = std::hash::DefaultHasher::new();
    city.hash(&mut h);
    h.finish().max(1)
}

/// The part of a location before its first comma, folded: "Melbourne, Victoria" is
/// "melbourne".
pub fn city(location: Option<&str>) -> String {
    fold_facet(
        location
            .unwrap_or_default()
            .split(',')
            .next()
            .unwrap_or_default(),
    )
}

fn same_percent(a: f64, b: f64) -> bool {
    (a - b).abs() <= SAME_PERCENT
}

/// Whether a known number is equal on both sides (headcount, or percentage within half a point).
fn equal_number(a: &Figures, b: &Figures) -> bool {
    let count = matches!((a.headcount, b.headcount), (Some(x), Some(y)) if x == y);
    let pct = matches!((a.percentage, b.percentage), (Some(x), Some(y)) if same_percent(x, y));
    count || pct
}

/// Whether an event and a row of the same company and date report the same cut: no known
/// number conflicts, and the same city or an equal number. A regional cut elsewhere on the
/// same day with no number stays apart.
pub fn same_cut(event: &Figures, row: &Figures) -> bool {
    let conflict = matches!((event.headcount, row.headcount), (Some(x), Some(y)) if x != y)
        || matches!((event.percentage, row.percentage), (Some(x), Some(y)) if !same_percent(x, y));
    !conflict && (event.same_city(row) || equal_number(event, row))
}

/// Whether a row under another company name looks like an event: an equal known number, the
/// same city and the same industry (both known), on the same date (the caller's part).
pub fn looks_alike(
    event: &Figures,
    event_industry: Option<&str>,
    row: &Figures,
    row_industry: Option<&str>,
) -> bool {
    let industry = match (event_industry.map(fold_facet), row_industry.map(fold_facet)) {
        (Some(a), Some(b)) => !a.is_empty() && a == b,
        _ => false,
    };
    industry && event.same_city(row) && equal_number(event, row)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(count: Option<u32>, pct: Option<f64>, location: &str) -> Figures {
        Figures::new(count, pct, (!location.is_empty()).then_some(location))
    }

    #[test]
    fn the_same_cut_needs_no_conflict_and_a_city_or_a_number() {
        // Akili Labs: the headquarters moved between versions of the data; 46 people both.
        assert!(same_cut(
            &facts(Some(46), Some(30.0), "Boston"),
            &facts(Some(46), Some(30.0), "Baltimore")
        ));
        // Deliveroo Australia: the same city, spelt longer.
        assert!(same_cut(
            &facts(None, None, "Melbourne, Victoria"),
            &facts(Some(120), None, "melbourne")
        ));
        // Clearco 2022-06-06: Toronto 60 and Dublin unknown are two regional cuts.
        assert!(!same_cut(
            &facts(Some(60), None, "Toronto"),
            &facts(None, None, "Dublin")
        ));
        // A known number that differs is a different cut, even in the same city.
        assert!(!same_cut(
            &facts(Some(60), None, "Toronto"),
            &facts(Some(61), None, "Toronto")
        ));
        // Percentages within half a point agree; further apart they conflict.
        assert!(same_cut(
            &facts(None, Some(15.0), "Oslo"),
            &facts(None, Some(15.4), "Bergen")
        ));
        assert!(!same_cut(
            &facts(None, Some(15.0), "Oslo"),
            &facts(None, Some(16.0), "Oslo")
        ));
        // No location and no number on either side: nothing says it is the same cut.
        assert!(!same_cut(&facts(None, None, ""), &facts(None, None, "")));
    }

    #[test]
    fn look_alikes_need_a_number_a_city_and_an_industry() {
        let survey = facts(Some(140), Some(11.0), "SF Bay Area");
        let momentive = facts(Some(140), Some(11.0), "SF Bay Area");
        assert!(looks_alike(
            &survey,
            Some("Marketing"),
            &momentive,
            Some("marketing")
        ));
        assert!(!looks_alike(
            &survey,
            Some("Marketing"),
            &momentive,
            Some("Retail")
        ));
        assert!(!looks_alike(&survey, None, &momentive, None));
        assert!(!looks_alike(
            &survey,
            Some("Marketing"),
            &facts(Some(140), None, "Boston"),
            Some("Marketing")
        ));
        assert!(!looks_alike(
            &survey,
            Some("Marketing"),
            &facts(None, None, "SF Bay Area"),
            Some("Marketing")
        ));
    }

    #[test]
    fn cities_compare_before_the_comma_in_any_case() {
        assert_eq!(city(Some(" Melbourne ,  Victoria")), "melbourne");
        assert_eq!(
            Figures::new(None, None, Some("SF  Bay Area")).city,
            Figures::new(None, None, Some("sf bay area, CA")).city
        );
        assert_eq!(Figures::new(None, None, Some(" , x")).city, 0);
    }

    #[test]
    fn absorbing_fills_only_what_is_missing() {
        let mut event = facts(Some(46), None, "");
        event.absorb(&facts(Some(50), Some(30.0), "Baltimore, MD"));
        assert_eq!(event, facts(Some(46), Some(30.0), "baltimore, Maryland"));
    }
}
