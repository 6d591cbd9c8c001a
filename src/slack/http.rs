//! Slack's HTTP endpoints: every request's signature checked (HMAC of `v0:timestamp:body`
//! with the signing secret, in constant time, by slack-morphism's verifier), timestamps older
//! than 5 minutes and replays refused with 401 before anything else happens (seen signatures
//! are kept in the store, so a restart does not forget them); then commands and interactions
//! are answered within Slack's 3 seconds. Slow or idle clients are cut off (`limits`).

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::Value;
use slack_morphism::prelude::{SlackCommandEvent, SlackSigningSecret};
use slack_morphism::signature_verifier::SlackEventSignatureVerifier;

use super::{SlackApp, commands, interactions};
use crate::config::Secret;
use crate::error::{Error, Result};
use crate::service::requests;

struct Endpoint {
    app: SlackApp,
    verifier: SlackEventSignatureVerifier,
}

/// Serves `/slack/commands` and `/slack/interactivity` on `listen` until `shutdown`.
pub async fn serve(
    app: SlackApp,
    secret: Secret,
    listen: SocketAddr,
    connected: crate::health::ProbeSlot,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let endpoint = Arc::new(Endpoint {
        app,
        verifier: SlackEventSignatureVerifier::new(&SlackSigningSecret::new(
            secret.expose().to_string(),
        )),
    });
    let router = Router::new()
        .route("/slack/commands", post(command))
        .route("/slack/interactivity", post(interaction))
        // The name Slack's docs also use for the same endpoint.
        .route("/slack/interactions", post(interaction))
        .with_state(endpoint);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| Error::Config(format!("cannot listen on SLACK_LISTEN_ADDR {listen}: {e}")))?;
    tracing::info!(%listen, "serving Slack's requests");
    connected.set(super::up());
    crate::serve::serve(listener, router, crate::serve::Limits::standard(), shutdown).await;
    Ok(())
}

impl Endpoint {
    /// The body, if the request is Slack's, fresh and not seen before.
    async fn verified<'b>(&self, headers: &HeaderMap, body: &'b Bytes) -> Option<&'b str> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let signature = header(SlackEventSignatureVerifier::SLACK_SIGNED_HASH_HEADER)?;
        let ts = header(SlackEventSignatureVerifier::SLACK_SIGNED_TIMESTAMP)?;
        let body = std::str::from_utf8(body).ok()?;
        if let Err(e) = self.verifier.verify(signature, body, ts) {
            tracing::warn!(error = %e, "refused a Slack request that is not signed or too old");
            return None;
        }
        let at: i64 = ts.parse().ok()?;
        let now = chrono::Utc::now().timestamp();
        match requests::first_sight(&self.app.store, signature, at, now).await {
            Ok(true) => Some(body),
            Ok(false) => {
                tracing::warn!("refused a replayed Slack request");
                None
            }
            Err(e) => {
                tracing::error!(error = %e, "could not check a Slack request for replay");
                None
            }
        }
    }
}

fn unauthorized() -> Response {
    (StatusCode::UNAUTHORIZED, "invalid or stale signature").into_response()
}

async fn command(State(e): State<Arc<Endpoint>>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(body) = e.verified(&headers, &body).await else {
        return unauthorized();
    };
    match serde_urlencoded::from_str::<SlackCommandEvent>(body) {
        Ok(event) => match commands::handle(&e.app, event).await {
            // Acknowledged with nothing to show (a modal opened instead).
            Value::Null => StatusCode::OK.into_response(),
            answer => axum::Json(answer).into_response(),
        },
        Err(err) => {
            tracing::warn!(error = %err, "a Slack command without the fields Slack sends");
            (StatusCode::BAD_REQUEST, "not a slash command").into_response()
        }
    }
}

async fn interaction(State(e): State<Arc<Endpoint>>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(body) = e.verified(&headers, &body).await else {
        return unauthorized();
    };
    let payload = serde_urlencoded::from_str::<HashMap<String, String>>(body)
        .ok()
        .and_then(|form| serde_json::from_str::<Value>(form.get("payload")?).ok());
    let Some(payload) = payload else {
        return (StatusCode::BAD_REQUEST, "no interaction payload").into_response();
    };
    match interactions::handle(&e.app, &payload).await {
        Some(answer) => axum::Json(answer).into_response(),
        None => StatusCode::OK.into_response(),
    }
}
