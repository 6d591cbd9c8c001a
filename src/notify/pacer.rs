//! Pacing: post starts spaced evenly under Discord's global rate limit, never bursting; a
//! global 429 pauses every start.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Spaces post starts evenly, so posts never burst; a global 429 pauses it.
#[derive(Debug)]
pub struct Pacer {
    period: Duration,
    next: Mutex<Option<Instant>>,
}

impl Pacer {
    pub fn per_second(n: u32) -> Self {
        Self {
            period: Duration::from_secs(1) / n.max(1),
            next: Mutex::new(None),
        }
    }

    /// Waits until a post may start. Starts keep to a grid one period apart, so the rate
    /// holds; a late wake-up is not made up by squeezing the next start closer than half a
    /// period.
    pub async fn acquire(&self) {
        loop {
            let at = {
                let Ok(mut next) = self.next.lock() else {
                    return;
                };
                let now = Instant::now();
                match *next {
                    Some(at) if at > now => at,
                    Some(at) if at + self.period > now => {
                        // Woken a little late (timers tick in milliseconds): keep to the grid so
                        // the rate holds, but never start the next within half a period.
                        *next = Some((at + self.period).max(now + self.period / 2));
                        return;
                    }
                    _ => {
                        // Idle, or very late: start a fresh grid from now.
                        *next = Some(now + self.period);
                        return;
                    }
                }
            };
            tokio::time::sleep_until(at).await;
        }
    }

    /// No slot starts before `wait` from now.
    pub fn pause(&self, wait: Duration) {
        if let Ok(mut next) = self.next.lock() {
            let until = Instant::now() + wait;
            *next = Some(next.map_or(until, |n| n.max(until)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Start times of `n` concurrent acquirers, sorted.
    async fn starts(pacer: &Pacer, n: usize) -> Vec<Instant> {
        let mut times = futures::future::join_all((0..n).map(|_| async {
            pacer.acquire().await;
            Instant::now()
        }))
        .await;
        times.sort();
        times
    }

    #[tokio::test(start_paused = true)]
    async fn starts_are_spaced_by_the_period_never_bursting() {
        let pacer = Pacer::per_second(50);
        let times = starts(&pacer, 20).await;
        for pair in times.windows(2) {
            assert!(
                pair[1] - pair[0] >= Duration::from_millis(20),
                "{:?}",
                pair[1] - pair[0]
            );
        }
        // 20 starts at 50/s take 19 periods.
        assert_eq!(times[19] - times[0], Duration::from_millis(380));
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_every_start_back() {
        let pacer = Pacer::per_second(50);
        let begin = Instant::now();
        pacer.pause(Duration::from_secs(2));
        let times = starts(&pacer, 2).await;
        assert!(times[0] - begin >= Duration::from_secs(2));
        assert!(times[1] - times[0] >= Duration::from_millis(20));
    }
}
