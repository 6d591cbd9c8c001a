//! The bot's settings from the environment (and `.env`), checked at start; tokens and
//! secrets never reach a log.

use std::fmt;

mod slack;

pub use slack::{SlackConfig, SlackMode};

use crate::error::{Error, Result};

/// The wait after a post's first failure, unless `DELIVERY_RETRY_BASE_MS` says otherwise.
pub const DEFAULT_RETRY_BASE: std::time::Duration = std::time::Duration::from_secs(2);

/// A value that must never be printed: `Debug` and `Display` show only that it is set.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_string()))
    }
}

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[derive(Debug, Clone)]
pub struct DiscordConfig {
    pub token: Secret,
    /// Base URL that receives every REST call instead of https://discord.com.
    pub api_url: Option<String>,
    /// Register the commands in this guild only (instant) instead of globally.
    pub dev_guild: Option<u64>,
    /// Events added by this guild's moderators are global.
    pub home_guild: Option<u64>,
}

/// What `layoffs-bot run` starts: Discord when `DISCORD_TOKEN` is set, Slack when
/// `SLACK_BOT_TOKEN` is (at least one of them), and how delivery behaves for both.
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub discord: Option<DiscordConfig>,
    pub slack: Option<SlackConfig>,
    /// The wait after a post's first failure (doubling after each further one).
    pub retry_base: std::time::Duration,
    /// The hour (UTC) digests go out: `DIGEST_HOUR_UTC`, 14 unless set.
    pub digest_hour: u32,
    /// Where `/healthz`, `/readyz` and `/metrics` are served (`METRICS_LISTEN_ADDR`); off
    /// unless set.
    pub metrics_listen: Option<std::net::SocketAddr>,
    /// The public web page (`WEB_LISTEN_ADDR`); off unless set.
    pub web: Option<WebConfig>,
}

/// Where the web page listens, and the address people reach it at.
#[derive(Debug, Clone)]
pub struct WebConfig {
    pub listen: std::net::SocketAddr,
    /// `WEB_BASE_URL` without its trailing slash ("https://layoffs.example.org"); empty:
    /// links are relative to the host.
    pub base_url: String,
}

impl WebConfig {
    /// `WEB_LISTEN_ADDR` and `WEB_BASE_URL`; None when the web page is off.
    pub fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Option<Self>> {
        let value = |name: &str| {
            get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let Some(listen) = value("WEB_LISTEN_ADDR") else {
            return Ok(None);
        };
        let listen = listen.parse().map_err(|_| {
            Error::Config(format!(
                "WEB_LISTEN_ADDR must be an address and port such as 127.0.0.1:8080, not {listen:?}"
            ))
        })?;
        let base_url = match value("WEB_BASE_URL") {
            None => String::new(),
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                url.trim_end_matches('/').to_string()
            }
            Some(url) => {
                return Err(Error::Config(format!(
                    "WEB_BASE_URL must start with http:// or https://, not {url:?}"
                )));
            }
        };
        Ok(Some(Self { listen, base_url }))
    }
}

impl RunConfig {
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The same, from any source of variables (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let set = |name: &str| get(name).is_some_and(|v| !v.trim().is_empty());
        let slack = SlackConfig::from_lookup(&get)?;
        let web = WebConfig::from_lookup(&get)?;
        let discord = if set("DISCORD_TOKEN") || (slack.is_none() && web.is_none()) {
            Some(DiscordConfig::from_lookup(&get)?)
        } else {
            None
        };
        Ok(Self {
            discord,
            slack,
            retry_base: retry_base(get("DELIVERY_RETRY_BASE_MS"))?,
            digest_hour: digest_hour(&get)?,
            metrics_listen: metrics_listen(get("METRICS_LISTEN_ADDR"))?,
            web,
        })
    }
}

fn retry_base(value: Option<String>) -> Result<std::time::Duration> {
    match value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
    {
        None => Ok(DEFAULT_RETRY_BASE),
        Some(ms) => ms
            .parse::<u64>()
            .ok()
            .filter(|ms| (1..=3_600_000).contains(ms))
            .map(std::time::Duration::from_millis)
            .ok_or_else(|| {
                Error::Config(format!(
                    "DELIVERY_RETRY_BASE_MS must be milliseconds from 1 to 3600000, not {ms:?}"
                ))
            }),
    }
}

fn metrics_listen(value: Option<String>) -> Result<Option<std::net::SocketAddr>> {
    let Some(v) = value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
    else {
        return Ok(None);
    };
    v.parse().map(Some).map_err(|_| {
        Error::Config(format!(
            "METRICS_LISTEN_ADDR must be an address and port such as 127.0.0.1:9090, not {v:?}"
        ))
    })
}

/// `DIGEST_HOUR_UTC` from any source of variables; 14 when unset.
pub fn digest_hour(get: &impl Fn(&str) -> Option<String>) -> Result<u32> {
    match get("DIGEST_HOUR_UTC").filter(|v| !v.trim().is_empty()) {
        None => Ok(crate::domain::alerts::DEFAULT_DIGEST_HOUR),
        Some(v) => {
            crate::domain::alerts::parse_digest_hour(&v).map_err(|e| Error::Config(e.message))
        }
    }
}

impl DiscordConfig {
    /// Reads `DISCORD_TOKEN`, `DISCORD_API_URL`, `DEV_GUILD_ID` and `HOME_GUILD_ID` from any
    /// source of variables (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let get = |name: &str| {
            get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let token = get("DISCORD_TOKEN").ok_or_else(|| {
            Error::Config(
                "DISCORD_TOKEN is not set: put the bot token from the Discord developer portal \
                 in the environment or in .env (or set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET \
                 to run in Slack only)"
                    .into(),
            )
        })?;
        let token = token.strip_prefix("Bot ").unwrap_or(&token).to_string();
        let parts: Vec<&str> = token.split('.').collect();
        if parts.len() != 3
            || parts.iter().any(|p| p.is_empty())
            || token.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Error::Config(
                "DISCORD_TOKEN does not look like a bot token (three parts separated by dots); \
                 copy it again from the Bot page of your application"
                    .into(),
            ));
        }
        let api_url = match get("DISCORD_API_URL") {
            None => None,
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                Some(url.trim_end_matches('/').to_string())
            }
            Some(url) => {
                return Err(Error::Config(format!(
                    "DISCORD_API_URL must start with http:// or https://, not {url:?}"
                )));
            }
        };
        Ok(Self {
            token: Secret(token),
            api_url,
            dev_guild: guild_id(get("DEV_GUILD_ID"), "DEV_GUILD_ID")?,
            home_guild: guild_id(get("HOME_GUILD_ID"), "HOME_GUILD_ID")?,
        })
    }
}

fn guild_id(value: Option<String>, name: &str) -> Result<Option<u64>> {
    value
        .map(|v| {
            v.parse::<u64>().ok().filter(|id| *id > 0).ok_or_else(|| {
                Error::Config(format!(
                    "{name} must be a guild (server) id such as 123456789012345678, not {v:?}"
                ))
            })
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<DiscordConfig> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        DiscordConfig::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn the_token_is_required_well_formed_and_never_printed() {
        assert!(
            config(&[])
                .unwrap_err()
                .user_message()
                .contains("DISCORD_TOKEN is not set")
        );
        assert!(config(&[("DISCORD_TOKEN", "nope")]).is_err());
        let c = config(&[("DISCORD_TOKEN", "Bot MTIz.abc.def")]).unwrap();
        assert_eq!(c.token.expose(), "MTIz.abc.def");
        assert!(!format!("{c:?}").contains("MTIz"));
    }

    #[test]
    fn urls_and_guild_ids_are_checked() {
        let ok = config(&[
            ("DISCORD_TOKEN", "a.b.c"),
            ("DISCORD_API_URL", "http://127.0.0.1:3000/"),
            ("HOME_GUILD_ID", "42"),
        ])
        .unwrap();
        assert_eq!(ok.api_url.as_deref(), Some("http://127.0.0.1:3000"));
        assert_eq!(ok.home_guild, Some(42));
        assert!(config(&[("DISCORD_TOKEN", "a.b.c"), ("DISCORD_API_URL", "ftp://x")]).is_err());
        assert!(config(&[("DISCORD_TOKEN", "a.b.c"), ("DEV_GUILD_ID", "abc")]).is_err());
    }
}
