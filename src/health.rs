//! Health and metrics over HTTP (`METRICS_LISTEN_ADDR`): `/healthz` while the process runs,
//! `/readyz` when the store answers, every configured platform is connected and no post has
//! waited 5 minutes (else 503 with the reason), and `/metrics` in Prometheus' text format.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};

use crate::service::deliveries::{OutboxState, outbox_state};
use crate::store::Store;
use crate::telemetry;

/// A post waiting longer than this makes the bot unready.
pub const STUCK_AFTER: Duration = Duration::from_mins(5);

/// Whether a platform's connection is up, asked at each `/readyz`.
pub type Probe = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = bool> + Send>> + Send + Sync>;

/// Filled by a platform once it has a connection to ask about; empty means not connected yet.
#[derive(Clone, Default)]
pub struct ProbeSlot(Arc<OnceLock<Probe>>);

impl ProbeSlot {
    pub fn set(&self, probe: Probe) {
        let _ = self.0.set(probe);
    }

    async fn connected(&self) -> bool {
        match self.0.get() {
            Some(probe) => probe().await,
            None => false,
        }
    }
}

impl std::fmt::Debug for ProbeSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "ProbeSlot(set)"
        } else {
            "ProbeSlot(empty)"
        })
    }
}

/// What `/readyz` asks.
#[derive(Clone)]
pub struct Health {
    pub store: Store,
    /// Each configured platform by name ("Discord", "Slack").
    pub platforms: Vec<(&'static str, ProbeSlot)>,
}

/// Why the bot is not ready; None when it is.
pub fn unready(outbox: Option<&OutboxState>, down: &[&str], now: DateTime<Utc>) -> Option<String> {
    let Some(outbox) = outbox else {
        return Some("the store does not answer".into());
    };
    if let Some(platform) = down.first() {
        return Some(format!("{platform} is not connected"));
    }
    let waited = outbox
        .oldest
        .map(|t| (now - t).to_std().unwrap_or_default());
    match waited {
        Some(w) if w >= STUCK_AFTER => Some(format!(
            "the oldest waiting post has waited {} minutes",
            w.as_secs() / 60
        )),
        _ => None,
    }
}

pub fn router(health: Health) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(health)
}

async fn readyz(State(h): State<Health>) -> Response {
    let outbox = outbox_state(&h.store).await.ok();
    let mut down = Vec::new();
    for (name, slot) in &h.platforms {
        if !slot.connected().await {
            down.push(*name);
        }
    }
    match unready(outbox.as_ref(), &down, Utc::now()) {
        None => (StatusCode::OK, "ready\n").into_response(),
        Some(why) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {why}\n"),
        )
            .into_response(),
    }
}

async fn metrics(State(h): State<Health>) -> Response {
    if let Ok(o) = outbox_state(&h.store).await {
        let age = o
            .oldest
            .map_or(0, |t| (Utc::now() - t).num_seconds().max(0));
        telemetry::outbox(o.waiting, age.unsigned_abs());
    }
    let content_type = "text/plain; version=0.0.4; charset=utf-8";
    ([(header::CONTENT_TYPE, content_type)], telemetry::render()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readiness_names_the_first_thing_wrong() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let fresh = OutboxState {
            waiting: 2,
            oldest: Some(now - chrono::Duration::minutes(4)),
        };
        assert_eq!(unready(Some(&fresh), &[], now), None);
        assert_eq!(
            unready(None, &[], now).as_deref(),
            Some("the store does not answer")
        );
        assert_eq!(
            unready(Some(&fresh), &["Discord"], now).as_deref(),
            Some("Discord is not connected")
        );
        let stuck = OutboxState {
            waiting: 1,
            oldest: Some(now - chrono::Duration::minutes(12)),
        };
        assert_eq!(
            unready(Some(&stuck), &[], now).as_deref(),
            Some("the oldest waiting post has waited 12 minutes")
        );
    }
}
