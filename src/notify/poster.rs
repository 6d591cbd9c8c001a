//! The platform seam of delivery: `ChannelPoster` posts one view and says how it went, with
//! what a retry needs (429's Retry-After, global or per route). `HttpPoster` is Discord's, on
//! its own HTTP client, because serenity's errors drop the 429 headers and body.

use std::future::Future;
use std::time::Duration;

use serde_json::Value;

use super::discord_json;
use crate::config::Secret;
use crate::render::View;

/// How one post went.
#[derive(Debug, Clone, PartialEq)]
pub enum PostOutcome {
    Sent {
        message_id: u64,
    },
    /// 429: wait this long; `global` stops every post, otherwise only this channel's.
    RateLimited {
        retry_after: Duration,
        global: bool,
    },
    /// 403 or 404: the channel is gone or closed to us; the subscription is disabled.
    Unreachable {
        status: u16,
        reason: String,
    },
    /// 401: the platform rejected the bot's token (reset, or revoked). Nothing can be posted
    /// until an operator fixes it; no post is given up for it.
    Unauthorized,
    /// Another 4xx: this message will never be accepted.
    Rejected(String),
    /// 5xx, a timeout or a connection error: worth another try.
    Failed(String),
}

pub trait ChannelPoster: Send + Sync + 'static {
    /// Posts a new message in the channel; `nonce` makes a retry of the same delivery a no-op.
    fn post(
        &self,
        channel_id: u64,
        view: &View,
        nonce: &str,
    ) -> impl Future<Output = PostOutcome> + Send;

    /// Replaces a message's content (after the event was corrected).
    fn edit(
        &self,
        channel_id: u64,
        message_id: u64,
        view: &View,
    ) -> impl Future<Output = PostOutcome> + Send;

    /// Publishes a message of an announcement channel to the channels following it.
    fn crosspost(
        &self,
        channel_id: u64,
        message_id: u64,
    ) -> impl Future<Output = PostOutcome> + Send;

    /// A message of the bot's own among the channel's recent ones that an earlier attempt of
    /// this delivery posted: its footer starts with `marker` (Discord), or its metadata holds
    /// `nonce` (Slack). An error is how the lookup failed.
    fn find_post(
        &self,
        channel_id: u64,
        marker: &str,
        nonce: &str,
    ) -> impl Future<Output = Result<Option<u64>, PostOutcome>> + Send;

    /// Whether the platform drops a post whose nonce it saw in the last minute (Discord
    /// does); where it does not (Slack), every retry looks for its post first.
    fn dedupes_nonces(&self, channel_id: u64) -> bool {
        let _ = channel_id;
        true
    }
}

/// Posts with reqwest to `{base}/api/v10/channels/{id}/messages`.
#[derive(Debug, Clone)]
pub struct HttpPoster {
    client: reqwest::Client,
    base: String,
    token: Secret,
    /// The bot's user id, read from its token (the first part is the id in base64).
    bot_id: Option<String>,
}

/// A bot token starts with its user id in base64.
fn bot_id_of(token: &Secret) -> Option<String> {
    use base64::Engine as _;
    let first = token.expose().split('.').next()?;
    let engine = base64::engine::general_purpose::STANDARD_NO_PAD;
    let bytes = engine.decode(first.trim_end_matches('=')).ok()?;
    let id = String::from_utf8(bytes).ok()?;
    id.parse::<u64>().ok().map(|_| id)
}

impl HttpPoster {
    pub fn new(base: &str, token: Secret) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .user_agent("DiscordBot (https://github.com/layoffs-bot, 0.1)")
            .build()?;
        Ok(Self {
            client,
            base: base.trim_end_matches('/').to_string(),
            bot_id: bot_id_of(&token),
            token,
        })
    }
}

impl ChannelPoster for HttpPoster {
    async fn post(&self, channel_id: u64, view: &View, nonce: &str) -> PostOutcome {
        let url = format!("{}/api/v10/channels/{channel_id}/messages", self.base);
        let body = discord_json::message(view, Some(nonce));
        match &view.image {
            None => self.send(self.client.post(url), &body).await,
            Some(image) => {
                // The picture goes as `files[0]`, which the embed names as its attachment.
                let mut body = body;
                body["attachments"] = serde_json::json!([{ "id": 0, "filename": image.filename }]);
                let file = reqwest::multipart::Part::bytes(image.png.clone())
                    .file_name(image.filename.clone())
                    .mime_str("image/png")
                    .map_err(|e| PostOutcome::Failed(format!("cannot attach the chart: {e}")));
                let file = match file {
                    Ok(f) => f,
                    Err(outcome) => return outcome,
                };
                let form = reqwest::multipart::Form::new()
                    .text("payload_json", body.to_string())
                    .part("files[0]", file);
                self.send_request(self.client.post(url).multipart(form))
                    .await
            }
        }
    }

    async fn crosspost(&self, channel_id: u64, message_id: u64) -> PostOutcome {
        let url = format!(
            "{}/api/v10/channels/{channel_id}/messages/{message_id}/crosspost",
            self.base
        );
        self.send_request(self.client.post(url)).await
    }

    async fn edit(&self, channel_id: u64, message_id: u64, view: &View) -> PostOutcome {
        let url = format!(
            "{}/api/v10/channels/{channel_id}/messages/{message_id}",
            self.base
        );
        let body = discord_json::message(view, None);
        self.send(self.client.patch(url), &body).await
    }

    async fn find_post(
        &self,
        channel_id: u64,
        marker: &str,
        _nonce: &str,
    ) -> Result<Option<u64>, PostOutcome> {
        let messages = self.recent(channel_id).await?;
        let ours = |m: &Value| match &self.bot_id {
            Some(id) => m["author"]["id"].as_str() == Some(id.as_str()),
            None => m["author"]["bot"] == true,
        };
        Ok(messages
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| ours(m))
            .find(|m| {
                m["embeds"][0]["footer"]["text"]
                    .as_str()
                    .is_some_and(|t| t.starts_with(marker))
            })
            .and_then(|m| m["id"].as_str()?.parse().ok()))
    }
}

impl HttpPoster {
    /// GET `{base}/api/v10/channels/{id}/messages?limit=50`, newest first.
    async fn recent(&self, channel_id: u64) -> Result<Value, PostOutcome> {
        let url = format!(
            "{}/api/v10/channels/{channel_id}/messages?limit=50",
            self.base
        );
        let response = self
            .client
            .get(url)
            .header("Authorization", format!("Bot {}", self.token.expose()))
            .send()
            .await
            .map_err(|e| PostOutcome::Failed(format!("request failed: {e}")))?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.unwrap_or_default();
        let json: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if (200..300).contains(&status) {
            Ok(json)
        } else {
            Err(classify(status, None, false, &json))
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder, body: &Value) -> PostOutcome {
        let request = request
            .header("Content-Type", "application/json")
            .body(body.to_string());
        self.send_request(request).await
    }

    /// Sends with the bot's token and reads the answer.
    async fn send_request(&self, request: reqwest::RequestBuilder) -> PostOutcome {
        let request = request.header("Authorization", format!("Bot {}", self.token.expose()));
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => return PostOutcome::Failed(format!("request failed: {e}")),
        };
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let retry_header = header("retry-after");
        let global_header = header("x-ratelimit-global").is_some_and(|v| v == "true")
            || header("x-ratelimit-scope").is_some_and(|v| v == "global");
        let bytes = response.bytes().await.unwrap_or_default();
        let json: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        classify(status, retry_header.as_deref(), global_header, &json)
    }
}

/// Reads Discord's answer. Separate from the I/O so it can be tested.
pub fn classify(
    status: u16,
    retry_after: Option<&str>,
    global_header: bool,
    body: &Value,
) -> PostOutcome {
    let message = body["message"].as_str().unwrap_or("no message").to_string();
    match status {
        200..=299 => match body["id"].as_str().and_then(|id| id.parse().ok()) {
            Some(message_id) => PostOutcome::Sent { message_id },
            None => PostOutcome::Failed("Discord accepted the post but sent no message id".into()),
        },
        429 => {
            let seconds = body["retry_after"]
                .as_f64()
                .or_else(|| retry_after.and_then(|h| h.trim().parse::<f64>().ok()))
                .filter(|s| s.is_finite() && *s >= 0.0)
                .unwrap_or(1.0)
                .min(3600.0);
            PostOutcome::RateLimited {
                retry_after: Duration::from_secs_f64(seconds),
                global: global_header || body["global"].as_bool().unwrap_or(false),
            }
        }
        401 => PostOutcome::Unauthorized,
        403 => PostOutcome::Unreachable {
            status,
            reason: format!(
                "Discord 403 ({message}): the bot may no longer view or post in this channel"
            ),
        },
        404 => PostOutcome::Unreachable {
            status,
            reason: format!("Discord 404 ({message}): the channel no longer exists"),
        },
        400..=499 => PostOutcome::Rejected(format!("Discord {status}: {message}")),
        _ => PostOutcome::Failed(format!("Discord {status}: {message}")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn rate_limits_read_the_body_first_then_the_header() {
        assert_eq!(
            classify(
                429,
                Some("3"),
                false,
                &json!({"retry_after": 0.25, "global": true})
            ),
            PostOutcome::RateLimited {
                retry_after: Duration::from_millis(250),
                global: true
            }
        );
        assert_eq!(
            classify(429, Some("2"), true, &Value::Null),
            PostOutcome::RateLimited {
                retry_after: Duration::from_secs(2),
                global: true
            }
        );
        assert_eq!(
            classify(429, None, false, &Value::Null),
            PostOutcome::RateLimited {
                retry_after: Duration::from_secs(1),
                global: false
            }
        );
    }

    #[test]
    fn the_bot_id_is_read_from_the_token() {
        let token: Secret = "OTAwMDAwMDAwMDAwMDAwMDAx.abc.def".parse().unwrap();
        assert_eq!(bot_id_of(&token).as_deref(), Some("900000000000000001"));
        let odd: Secret = "not-base64!.a.b".parse().unwrap();
        assert_eq!(bot_id_of(&odd), None);
    }

    #[test]
    fn statuses_map_to_what_the_worker_does() {
        assert_eq!(
            classify(200, None, false, &json!({"id": "123"})),
            PostOutcome::Sent { message_id: 123 }
        );
        assert!(matches!(
            classify(403, None, false, &json!({"message": "Missing Access"})),
            PostOutcome::Unreachable { status: 403, .. }
        ));
        assert!(matches!(
            classify(404, None, false, &json!({})),
            PostOutcome::Unreachable { status: 404, .. }
        ));
        assert!(matches!(
            classify(400, None, false, &json!({})),
            PostOutcome::Rejected(_)
        ));
        assert_eq!(
            classify(401, None, false, &json!({"message": "401: Unauthorized"})),
            PostOutcome::Unauthorized
        );
        assert!(matches!(
            classify(502, None, false, &Value::Null),
            PostOutcome::Failed(_)
        ));
    }
}
