//! What the bot counts for `/metrics`, in Prometheus' text format (the `prometheus` crate):
//! commands by name and outcome with their latency, deliveries by platform, kind and outcome,
//! rate limits, digest and source runs, and the outbox's depth and oldest waiting post (set
//! when scraped). Labels come from closed sets (known command names, outcomes, platforms,
//! kinds): never a user, guild, channel or token.

use std::sync::LazyLock;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};

/// Commands counted by name; anything else counts as "other".
const COMMANDS: [&str; 8] = [
    "layoffs",
    "layoffs-stats",
    "layoff",
    "layoff-alerts",
    "layoff add",
    "layoff edit",
    "layoff remove",
    "button",
];

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// Refused with a message the user can act on (bad input, not allowed).
    Refused,
    /// An internal error.
    Failed,
}

impl Outcome {
    /// How a handler's result reads.
    pub fn of<T>(result: &crate::error::Result<T>) -> Self {
        match result {
            Ok(_) => Self::Ok,
            Err(e) if e.is_user_error() => Self::Refused,
            Err(_) => Self::Failed,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Refused => "refused",
            Self::Failed => "failed",
        }
    }
}

struct Metrics {
    registry: Registry,
    commands: IntCounterVec,
    command_seconds: HistogramVec,
    deliveries: IntCounterVec,
    rate_limited: IntCounterVec,
    digest_runs: IntCounterVec,
    source_runs: IntCounterVec,
    outbox_waiting: IntGauge,
    oldest_waiting_seconds: IntGauge,
}

/// Registering fixed, distinct names cannot fail; a failure is a bug found by any test.
fn registered<M: prometheus::core::Collector + Clone + 'static>(registry: &Registry, m: M) -> M {
    if let Err(e) = registry.register(Box::new(m.clone())) {
        tracing::error!(error = %e, "a metric could not be registered");
    }
    m
}

fn counter(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let c = IntCounterVec::new(Opts::new(name, help), labels);
    registered(registry, c.unwrap_or_else(|e| unreachable_metric(name, &e)))
}

fn gauge(registry: &Registry, name: &str, help: &str) -> IntGauge {
    let g = IntGauge::new(name, help);
    registered(registry, g.unwrap_or_else(|e| unreachable_metric(name, &e)))
}

#[allow(clippy::panic)] // our own constant names and labels: only a typo of ours gets here
fn unreachable_metric(name: &str, e: &prometheus::Error) -> ! {
    panic!("metric {name} is malformed: {e}")
}

impl Metrics {
    fn new() -> Self {
        let r = Registry::new();
        let buckets = vec![0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];
        let latency = HistogramOpts::new("layoffs_command_seconds", "Time to answer a command")
            .buckets(buckets);
        let command_seconds = HistogramVec::new(latency, &["command"])
            .unwrap_or_else(|e| unreachable_metric("layoffs_command_seconds", &e));
        Self {
            commands: counter(
                &r,
                "layoffs_commands_total",
                "Commands answered",
                &["command", "outcome"],
            ),
            command_seconds: registered(&r, command_seconds),
            deliveries: counter(
                &r,
                "layoffs_deliveries_total",
                "Delivery attempts by result",
                &["platform", "kind", "outcome"],
            ),
            rate_limited: counter(
                &r,
                "layoffs_rate_limited_total",
                "429 answers from a platform",
                &["platform"],
            ),
            digest_runs: counter(
                &r,
                "layoffs_digest_runs_total",
                "Digest scheduling rounds",
                &["outcome"],
            ),
            source_runs: counter(
                &r,
                "layoffs_source_runs_total",
                "Scheduled source syncs",
                &["outcome"],
            ),
            outbox_waiting: gauge(
                &r,
                "layoffs_outbox_waiting",
                "Posts waiting to be delivered",
            ),
            oldest_waiting_seconds: gauge(
                &r,
                "layoffs_outbox_oldest_waiting_seconds",
                "Age of the oldest waiting post",
            ),
            registry: r,
        }
    }
}

static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

/// A command answered: its name (one of ours, else "other"), how, and in how long.
pub fn command(name: &str, outcome: Outcome, seconds: f64) {
    let name = COMMANDS
        .iter()
        .find(|c| **c == name)
        .copied()
        .unwrap_or("other");
    let m = &*METRICS;
    m.commands
        .with_label_values(&[name, outcome.as_str()])
        .inc();
    m.command_seconds
        .with_label_values(&[name])
        .observe(seconds);
}

/// One delivery attempt's result: "sent", "retried", "dead", "disabled", "rate_limited".
pub fn delivery(platform: &'static str, kind: &'static str, outcome: &'static str) {
    METRICS
        .deliveries
        .with_label_values(&[platform, kind, outcome])
        .inc();
}

/// A 429 from `platform`.
pub fn rate_limited(platform: &'static str) {
    METRICS.rate_limited.with_label_values(&[platform]).inc();
}

/// A digest scheduling round: "ok" or "failed".
pub fn digest_run(ok: bool) {
    let outcome = if ok { "ok" } else { "failed" };
    METRICS.digest_runs.with_label_values(&[outcome]).inc();
}

/// The outbox as the scrape finds it.
/// A source sync ended: `imported` (a body imported or a feed read), `unchanged`, `failed`
/// or `busy` (another process had it).
pub fn source_run(outcome: &'static str) {
    METRICS.source_runs.with_label_values(&[outcome]).inc();
}

pub fn outbox(waiting: u64, oldest_seconds: u64) {
    let clamp = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    METRICS.outbox_waiting.set(clamp(waiting));
    METRICS.oldest_waiting_seconds.set(clamp(oldest_seconds));
}

/// Everything counted, in Prometheus' text exposition format.
pub fn render() -> String {
    let m = &*METRICS;
    // Touch the source counter so it is listed before the first sync (as 0).
    m.source_runs.with_label_values(&["imported"]);
    m.source_runs.with_label_values(&["failed"]);
    let mut out = Vec::new();
    if let Err(e) = TextEncoder::new().encode(&m.registry.gather(), &mut out) {
        tracing::error!(error = %e, "cannot encode the metrics");
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_show_in_the_text_format_with_closed_labels() {
        command("layoffs", Outcome::Ok, 0.003);
        command("<@123> hostile", Outcome::Refused, 0.001);
        delivery("discord", "event", "sent");
        let text = render();
        assert!(text.contains("layoffs_commands_total{command=\"layoffs\",outcome=\"ok\"}"));
        assert!(
            text.contains("command=\"other\",outcome=\"refused\""),
            "{text}"
        );
        assert!(!text.contains("123"), "{text}");
        assert!(text.contains(
            "layoffs_deliveries_total{kind=\"event\",outcome=\"sent\",platform=\"discord\"}"
        ));
        assert!(text.contains("# TYPE layoffs_command_seconds histogram"));
        source_run("unchanged");
        assert!(render().contains("layoffs_source_runs_total{outcome=\"unchanged\"} 1"));
    }
}
