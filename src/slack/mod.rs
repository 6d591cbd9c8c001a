//! The Slack front end: slash commands, buttons and modals over the same core as Discord's.
//! Requests arrive signed on our HTTP endpoints (`http`) or over Socket Mode (`socket`); each
//! is answered from the service layer and rendered as Block Kit (`blocks`); its posts go out
//! through `poster`. Only this module names Slack.

mod alerts;
pub mod api;
pub mod blocks;
mod commands;
mod follow;
mod http;
mod interactions;
pub mod markup;
mod modals;
mod poster;
mod review;
mod socket;
mod text;

use std::future::Future;
use std::sync::Arc;

use serde_json::Value;

use crate::config::{SlackConfig, SlackMode};
use crate::domain::{Actor, ChannelRef, Platform, Tenant, Viewer};
use crate::error::{Error, Result};
use crate::health::ProbeSlot;
use crate::service::Moderator;
use crate::store::Store;
use api::{ApiError, SlackApi};
pub use poster::SlackPoster;

/// What every handler needs.
#[derive(Debug, Clone)]
pub struct SlackApp {
    pub store: Store,
    pub api: SlackApi,
    /// Users who moderate in every workspace, besides its admins and owners.
    moderators: Arc<Vec<String>>,
    home: Option<Tenant>,
    /// Where `response_url`s may point: Slack's hooks, or the configured API's host.
    api_origin: String,
}

impl SlackApp {
    pub fn new(config: &SlackConfig, store: Store, api: SlackApi) -> Self {
        let home = config
            .home_team
            .as_deref()
            .and_then(|t| Tenant::new(Platform::Slack, t).ok());
        let origin = config
            .api_url
            .split('/')
            .take(3)
            .collect::<Vec<_>>()
            .join("/");
        Self {
            store,
            api,
            moderators: Arc::new(config.moderators.clone()),
            home,
            api_origin: origin,
        }
    }

    /// The workspace a request came from.
    pub fn tenant(team_id: &str) -> Result<Tenant> {
        Tenant::new(Platform::Slack, team_id).map_err(Error::from)
    }

    /// What a member of `team_id` may see: global events and the workspace's own.
    pub fn viewer(team_id: &str) -> Result<Viewer> {
        Ok(Viewer::in_tenant(Self::tenant(team_id)?))
    }

    /// The user as a moderator of the workspace: a member of that workspace (an admin of
    /// another one moderates nothing here) who is its admin or owner (asked of Slack every
    /// time), or listed in `SLACK_MODERATOR_IDS`. Forbidden otherwise.
    pub async fn moderator(&self, team_id: &str, user_id: &str) -> Result<Moderator> {
        let tenant = Self::tenant(team_id)?;
        let user = Tenant::new(Platform::Slack, user_id)?;
        let listed = self.moderators.iter().any(|m| m == user.id());
        if !listed && !self.is_admin_of(tenant.id(), user.id()).await? {
            return Err(Error::Forbidden(
                "Only workspace admins and owners (and the operator's listed moderators) can \
                 do that here."
                    .into(),
            ));
        }
        Ok(Moderator::new(
            Actor::slack(user.id()),
            tenant,
            self.home.as_ref(),
        ))
    }

    /// Whether `user_id` is an admin or owner and a member of workspace `team_id`.
    async fn is_admin_of(&self, team_id: &str, user_id: &str) -> Result<bool> {
        let info = self
            .api
            .call_form("users.info", &[("user", user_id)])
            .await
            .map_err(|e| platform(&e))?;
        let user = &info["user"];
        let admin = user["is_admin"] == true
            || user["is_owner"] == true
            || user["is_primary_owner"] == true;
        Ok(admin && member_of(user, team_id))
    }

    /// Whether channel `channel` belongs to workspace `team_id`, as Slack reports it
    /// (`conversations.info`): its own team, or one of the teams it is shared with inside the
    /// same organisation. A channel Slack does not show us is not the workspace's.
    pub async fn channel_of_team(&self, team_id: &str, channel: &str) -> Result<bool> {
        let info = match self
            .api
            .call_form("conversations.info", &[("channel", channel)])
            .await
        {
            Ok(info) => info,
            Err(ApiError::Slack(code)) if code == "channel_not_found" => return Ok(false),
            Err(e) => return Err(platform(&e)),
        };
        Ok(channel_in_team(&info["channel"], team_id))
    }

    /// Sends a message to a `response_url` Slack gave (replacing the original when asked);
    /// any other address is refused.
    pub async fn respond(&self, response_url: &str, message: &Value) -> Result<()> {
        let allowed = response_url.starts_with("https://hooks.slack.com/")
            || response_url.starts_with(&format!("{}/", self.api_origin));
        if !allowed {
            tracing::warn!("ignoring a response_url outside Slack");
            return Ok(());
        }
        self.api
            .post_url(response_url, message)
            .await
            .map_err(|e| platform(&e))
    }
}

/// Whether a `users.info` user belongs to workspace `team_id`: their own team, or (Enterprise
/// Grid) one of the organisation's workspaces they are in.
/// Slack's channel ids are upper-case letters and digits ("C024BE91L"); anything else (a
/// typed name, markup) is refused before it reaches the store or Slack.
const MAX_CHANNEL_ID: usize = 24;

/// A Slack channel id as a channel reference; None for anything that is not one.
pub fn channel_ref(id: &str) -> Option<ChannelRef> {
    let valid = !id.is_empty()
        && id.len() <= MAX_CHANNEL_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    valid.then(|| ChannelRef::slack(id))
}

fn member_of(user: &Value, team_id: &str) -> bool {
    user["team_id"] == team_id
        || user["enterprise_user"]["teams"]
            .as_array()
            .is_some_and(|teams| teams.iter().any(|t| t == team_id))
}

/// Whether a `conversations.info` channel belongs to workspace `team_id`.
fn channel_in_team(channel: &Value, team_id: &str) -> bool {
    let listed = |field: &str| {
        channel[field]
            .as_array()
            .is_some_and(|teams| teams.iter().any(|t| t == team_id))
    };
    channel["context_team_id"] == team_id
        || channel["conversation_host_id"] == team_id
        || listed("shared_team_ids")
        || listed("internal_team_ids")
}

/// A failed Web API call, for the log (users see a generic sentence).
fn platform(e: &ApiError) -> Error {
    Error::Platform {
        platform: "Slack",
        source: e.to_string().into(),
    }
}

/// Serves Slack until `shutdown` completes: HTTP endpoints or Socket Mode.
pub async fn run(
    config: &SlackConfig,
    app: SlackApp,
    connected: ProbeSlot,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    match &config.mode {
        SlackMode::Http {
            signing_secret,
            listen,
        } => http::serve(app, signing_secret.clone(), *listen, connected, shutdown).await,
        SlackMode::Socket { app_token } => {
            socket::serve(app, config, app_token.clone(), connected, shutdown).await
        }
    }
}

/// Slack's side is up once its endpoint listens or its socket is connected (slack-morphism
/// reconnects a dropped socket by itself).
fn up() -> crate::health::Probe {
    std::sync::Arc::new(|| Box::pin(async { true }))
}
