//! Socket Mode, for workspaces without a public URL (`SLACK_APP_TOKEN`): slack-morphism keeps
//! the websocket to Slack (opened with `apps.connections.open` at `SLACK_API_URL`) and hands
//! us commands and interactions, answered by the same handlers as the HTTP endpoints.

use std::future::Future;
use std::sync::Arc;

use slack_morphism::prelude::*;

use super::{SlackApp, commands, interactions};
use crate::config::{Secret, SlackConfig};
use crate::error::{Error, Result};

type Failure = Box<dyn std::error::Error + Send + Sync>;

pub async fn serve(
    app: SlackApp,
    config: &SlackConfig,
    app_token: Secret,
    connected: crate::health::ProbeSlot,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    // slack-morphism's default connector is https only; SLACK_API_URL may be plain http.
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .map_err(|e| Error::Config(format!("cannot set up Slack's Socket Mode client: {e}")))?
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .build();
    let connector =
        SlackClientHyperConnector::with_connector(https).with_slack_api_url(&config.api_url);
    let client = Arc::new(SlackClient::new(connector));
    let callbacks = SlackSocketModeListenerCallbacks::new()
        .with_command_events(on_command)
        .with_interaction_events(on_interaction);
    let environment = Arc::new(
        SlackClientEventsListenerEnvironment::new(client)
            .with_error_handler(on_error)
            .with_user_state(app),
    );
    let listener = SlackClientSocketModeListener::new(
        &SlackClientSocketModeConfig::new(),
        environment,
        callbacks,
    );
    let token = SlackApiToken::new(app_token.expose().to_string().into());
    listener
        .listen_for(&token)
        .await
        .map_err(|e| Error::Platform {
            platform: "Slack",
            source: Box::new(e),
        })?;
    listener.start().await;
    tracing::info!("connected to Slack in Socket Mode");
    connected.set(super::up());
    shutdown.await;
    listener.shutdown().await;
    Ok(())
}

async fn app_of(states: &SlackClientEventsUserState) -> std::result::Result<SlackApp, Failure> {
    states
        .read()
        .await
        .get_user_state::<SlackApp>()
        .cloned()
        .ok_or_else(|| "the Slack app state is missing".into())
}

async fn on_command(
    event: SlackCommandEvent,
    _client: Arc<SlackHyperClient>,
    states: SlackClientEventsUserState,
) -> std::result::Result<SlackCommandEventResponse, Failure> {
    let app = app_of(&states).await?;
    let answer = commands::handle(&app, event).await;
    if answer.is_null() {
        return Ok(SlackCommandEventResponse::new(SlackMessageContent::new()));
    }
    let text = answer["text"].as_str().unwrap_or_default().to_string();
    // Our Block Kit, as slack-morphism's types; plain text if they ever disagree.
    Ok(serde_json::from_value(answer).unwrap_or_else(|_| {
        SlackCommandEventResponse::new(SlackMessageContent::new().with_text(text))
    }))
}

async fn on_interaction(
    event: SlackInteractionEvent,
    _client: Arc<SlackHyperClient>,
    states: SlackClientEventsUserState,
) -> std::result::Result<(), Failure> {
    let app = app_of(&states).await?;
    let payload = serde_json::to_value(&event)?;
    // Socket Mode acknowledges for us, so a modal's field errors cannot be shown under the
    // fields: the user is told in the channel the command came from.
    if let Some(answer) = interactions::handle(&app, &payload).await
        && answer["response_action"] == "errors"
    {
        refused(&app, &payload, &answer["errors"]).await;
    }
    Ok(())
}

/// Tells the user why their modal was refused, only to them.
async fn refused(app: &SlackApp, payload: &serde_json::Value, errors: &serde_json::Value) {
    let metadata: serde_json::Value = payload["view"]["private_metadata"]
        .as_str()
        .and_then(|m| serde_json::from_str(m).ok())
        .unwrap_or_default();
    let why: Vec<String> = errors
        .as_object()
        .into_iter()
        .flatten()
        .map(|(field, message)| format!("{field}: {}", message.as_str().unwrap_or_default()))
        .collect();
    let text = format!("Nothing was saved. {}", why.join("; "));
    let mut message = super::blocks::ephemeral_text(&crate::render::escape_markdown(&text));
    message["channel"] = metadata["channel"].clone();
    message["user"] = payload["user"]["id"].clone();
    if let Err(e) = app.api.call("chat.postEphemeral", &message).await {
        tracing::warn!(error = %e, "could not tell the user why their form was refused");
    }
}

#[allow(clippy::needless_pass_by_value)] // slack-morphism's handler signature
fn on_error(
    error: Failure,
    _client: Arc<SlackHyperClient>,
    _states: SlackClientEventsUserState,
) -> HttpStatusCode {
    tracing::error!(error = %error, "Slack Socket Mode event failed");
    HttpStatusCode::OK
}
