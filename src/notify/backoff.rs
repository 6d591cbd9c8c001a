//! When to try a failed post again: exponential backoff with jitter, up to a bound.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failure.
    pub base: Duration,
    /// No wait is longer than this.
    pub cap: Duration,
    /// After this many failed attempts the delivery is dead.
    pub max_attempts: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: crate::config::DEFAULT_RETRY_BASE,
            cap: Duration::from_mins(10),
            max_attempts: 8,
        }
    }
}

impl Backoff {
    /// The wait after `failures` failed attempts (from 1), or None when it is time to give up.
    /// `seed` (the delivery id) spreads retries of many rows apart: ±20%.
    pub fn after_failure(&self, failures: u32, seed: i64) -> Option<Duration> {
        if failures == 0 || failures >= self.max_attempts {
            return if failures == 0 {
                Some(Duration::ZERO)
            } else {
                None
            };
        }
        let exp = self
            .base
            .saturating_mul(1u32.checked_shl(failures - 1).unwrap_or(u32::MAX))
            .min(self.cap);
        let factor = 0.8 + 0.4 * unit(seed, failures);
        Some(exp.mul_f64(factor).min(self.cap))
    }
}

/// A number in [0, 1) from (seed, n): splitmix64, so tests can fix it.
fn unit(seed: i64, n: u32) -> f64 {
    let mut z = u64::from_ne_bytes(seed.to_ne_bytes())
        .wrapping_add(u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_with_jitter_up_to_the_cap_then_give_up() {
        let b = Backoff::default();
        for failures in 1..b.max_attempts {
            let nominal = b.base.saturating_mul(1 << (failures - 1)).min(b.cap);
            let got = b.after_failure(failures, 42).unwrap();
            assert!(
                got >= nominal.mul_f64(0.8) && got <= nominal.mul_f64(1.2).min(b.cap),
                "{failures}: {got:?}"
            );
        }
        assert_eq!(b.after_failure(b.max_attempts, 42), None);
        assert_eq!(b.after_failure(100, 42), None);
    }

    #[test]
    fn jitter_is_fixed_by_the_seed_and_differs_between_rows() {
        let b = Backoff::default();
        assert_eq!(b.after_failure(3, 7), b.after_failure(3, 7));
        let spread: std::collections::HashSet<_> =
            (0..20).map(|seed| b.after_failure(3, seed)).collect();
        assert!(spread.len() > 10);
    }

    #[test]
    fn the_cap_bounds_late_attempts() {
        let b = Backoff {
            base: Duration::from_mins(1),
            cap: Duration::from_mins(5),
            max_attempts: 30,
        };
        assert!(b.after_failure(20, 1).unwrap() <= Duration::from_mins(5));
    }
}
