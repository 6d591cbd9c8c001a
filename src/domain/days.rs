//! `days`: "only the last N days", bounded, and the first day it keeps.

use chrono::NaiveDate;

use super::DomainError;

/// A window of 1 to [`Days::MAX`] days ending today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days(u32);

impl Days {
    /// Ten years.
    pub const MAX: u32 = 3650;

    /// From any integer a user typed (Discord sends i64).
    pub fn parse(days: i64) -> Result<Self, DomainError> {
        u32::try_from(days)
            .ok()
            .filter(|d| (1..=Self::MAX).contains(d))
            .map(Self)
            .ok_or_else(|| {
                DomainError::invalid(
                    "days",
                    format!("days must be from 1 to {}, not {days}", Self::MAX),
                )
            })
    }

    pub fn get(self) -> u32 {
        self.0
    }

    /// The first day kept, counting today.
    pub fn since(self, today: NaiveDate) -> NaiveDate {
        today
            .checked_sub_days(chrono::Days::new(u64::from(self.0 - 1)))
            .unwrap_or(NaiveDate::MIN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_bounded_and_count_today() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(Days::parse(1).unwrap().since(today), today);
        assert_eq!(
            Days::parse(30).unwrap().since(today),
            NaiveDate::from_ymd_opt(2026, 10, 28).unwrap()
        );
        assert!(Days::parse(0).is_err());
        assert!(Days::parse(-1).is_err());
        assert!(Days::parse(3651).is_err());
        assert_eq!(Days::parse(3650).unwrap().get(), Days::MAX);
        assert!(
            Days::parse(i64::MAX)
                .unwrap_err()
                .message
                .contains("1 to 3650")
        );
    }
}
