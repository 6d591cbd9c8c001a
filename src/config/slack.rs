//! Slack's settings: the bot token, and either the signing secret (HTTP endpoints on
//! `SLACK_LISTEN_ADDR`) or an app-level token (Socket Mode); where the Web API is; who
//! moderates; which workspace curates the global record.

use std::net::SocketAddr;

use super::Secret;
use crate::error::{Error, Result};

/// Slack's Web API, unless `SLACK_API_URL` points elsewhere (the tests' fake Slack).
pub const SLACK_API: &str = "https://slack.com/api";
pub const DEFAULT_LISTEN_ADDR: &str = "127.0.0.1:3000";

/// How Slack reaches the bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlackMode {
    /// Slack posts signed requests to our endpoints.
    Http {
        signing_secret: Secret,
        listen: SocketAddr,
    },
    /// The bot opens a websocket to Slack (no public URL needed).
    Socket { app_token: Secret },
}

#[derive(Debug, Clone)]
pub struct SlackConfig {
    pub bot_token: Secret,
    pub mode: SlackMode,
    /// Base URL of the Web API, without a trailing slash.
    pub api_url: String,
    /// Users who moderate in any workspace, besides its admins and owners.
    pub moderators: Vec<String>,
    /// The workspace whose moderators' events are global (`SLACK_HOME_TEAM_ID`).
    pub home_team: Option<String>,
}

impl SlackConfig {
    /// None when `SLACK_BOT_TOKEN` is not set (Slack is off).
    pub fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Option<Self>> {
        let get = |name: &str| {
            get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let Some(token) = get("SLACK_BOT_TOKEN") else {
            return Ok(None);
        };
        if !token.starts_with("xoxb-") || token.chars().any(char::is_whitespace) {
            return Err(Error::Config(
                "SLACK_BOT_TOKEN does not look like a bot token (xoxb-...); copy it from your \
                 Slack app's OAuth & Permissions page"
                    .into(),
            ));
        }
        let mode = match (get("SLACK_APP_TOKEN"), get("SLACK_SIGNING_SECRET")) {
            (Some(app), _) if app.starts_with("xapp-") => SlackMode::Socket {
                app_token: Secret(app),
            },
            (Some(_), _) => {
                return Err(Error::Config(
                    "SLACK_APP_TOKEN does not look like an app-level token (xapp-...)".into(),
                ));
            }
            (None, Some(secret)) => SlackMode::Http {
                signing_secret: Secret(secret),
                listen: listen_addr(get("SLACK_LISTEN_ADDR"))?,
            },
            (None, None) => {
                return Err(Error::Config(
                    "SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP endpoints) \
                     nor SLACK_APP_TOKEN (Socket Mode) is: set one of them"
                        .into(),
                ));
            }
        };
        Ok(Some(Self {
            bot_token: Secret(token),
            mode,
            api_url: api_url(get("SLACK_API_URL"))?,
            moderators: ids(get("SLACK_MODERATOR_IDS"), "SLACK_MODERATOR_IDS")?,
            home_team: ids(get("SLACK_HOME_TEAM_ID"), "SLACK_HOME_TEAM_ID")?
                .into_iter()
                .next(),
        }))
    }
}

fn listen_addr(value: Option<String>) -> Result<SocketAddr> {
    let value = value.unwrap_or_else(|| DEFAULT_LISTEN_ADDR.to_string());
    value.parse().map_err(|_| {
        Error::Config(format!(
            "SLACK_LISTEN_ADDR must be an address and port such as 127.0.0.1:3000, not {value:?}"
        ))
    })
}

fn api_url(value: Option<String>) -> Result<String> {
    match value {
        None => Ok(SLACK_API.to_string()),
        Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
            Ok(url.trim_end_matches('/').to_string())
        }
        Some(url) => Err(Error::Config(format!(
            "SLACK_API_URL must start with http:// or https://, not {url:?}"
        ))),
    }
}

/// Slack ids ("U024BE7LH", "T024BE7LD"), comma-separated.
fn ids(value: Option<String>, name: &str) -> Result<Vec<String>> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    value
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(|id| {
            if id.len() <= 32 && id.bytes().all(|b| b.is_ascii_alphanumeric()) {
                Ok(id.to_string())
            } else {
                Err(Error::Config(format!(
                    "{name} must hold Slack ids such as U024BE7LH, not {id:?}"
                )))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Option<SlackConfig>> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        SlackConfig::from_lookup(&|k: &str| map.get(k).cloned())
    }

    #[test]
    fn slack_is_off_without_a_token_and_needs_a_way_in_with_one() {
        assert!(config(&[]).unwrap().is_none());
        assert!(config(&[("SLACK_BOT_TOKEN", "xoxb-1")]).is_err());
        assert!(config(&[("SLACK_BOT_TOKEN", "nope"), ("SLACK_SIGNING_SECRET", "s")]).is_err());
        let http = config(&[
            ("SLACK_BOT_TOKEN", "xoxb-1"),
            ("SLACK_SIGNING_SECRET", "s3cret"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(
            http.mode,
            SlackMode::Http {
                signing_secret: Secret("s3cret".into()),
                listen: DEFAULT_LISTEN_ADDR.parse().unwrap()
            }
        );
        assert!(!format!("{http:?}").contains("s3cret") && !format!("{http:?}").contains("xoxb-1"));
        assert_eq!(http.api_url, SLACK_API);
        let socket = config(&[("SLACK_BOT_TOKEN", "xoxb-1"), ("SLACK_APP_TOKEN", "xapp-1")])
            .unwrap()
            .unwrap();
        assert!(matches!(socket.mode, SlackMode::Socket { .. }));
        let bad = [
            ("SLACK_LISTEN_ADDR", "localhost"),
            ("SLACK_API_URL", "slack.com"),
            ("SLACK_MODERATOR_IDS", "U1, <@U2>"),
        ];
        for (name, value) in bad {
            let vars = [
                ("SLACK_BOT_TOKEN", "xoxb-1"),
                ("SLACK_SIGNING_SECRET", "s"),
                (name, value),
            ];
            assert!(config(&vars).is_err(), "{name}={value}");
        }
        let ids = config(&[
            ("SLACK_BOT_TOKEN", "xoxb-1"),
            ("SLACK_SIGNING_SECRET", "s"),
            ("SLACK_MODERATOR_IDS", "U1, U2,"),
            ("SLACK_HOME_TEAM_ID", "T9"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(ids.moderators, ["U1", "U2"]);
        assert_eq!(ids.home_team.as_deref(), Some("T9"));
    }
}
