//! Discord's poster: posts, edits and crossposts views on its own HTTP client, because
//! serenity's errors drop the 429 headers and body. The JSON is serenity's own builders from
//! [`super::reply`] serialized, so a post and a command reply cannot drift apart.

use std::time::Duration;

use poise::serenity_prelude as serenity;
use serde_json::Value;

use super::answers::classify;
use super::reply;
use crate::config::Secret;
use crate::domain::{ChannelRef, Platform};
use crate::notify::{ChannelPoster, PostOutcome};
use crate::render::{Mentions, View};

/// A message body for POST, with the delivery's nonce Discord dedupes on.
pub fn post_body(view: &View, nonce: &str) -> Value {
    let mut message = serenity::CreateMessage::new()
        .embed(reply::embed(view))
        .allowed_mentions(reply::mentions(&view.mentions))
        .nonce(serenity::Nonce::String(nonce.to_string()))
        .enforce_nonce(true);
    if let Mentions::Role(id) = view.mentions {
        message = message.content(format!("<@&{id}>"));
    }
    if !view.buttons.is_empty() {
        message = message.components(reply::components(view));
    }
    let mut body = serde_json::to_value(message).unwrap_or(Value::Null);
    if let Some(o) = body.as_object_mut() {
        // Defaults serenity writes out that a post never uses.
        o.remove("tts");
        o.remove("sticker_ids");
        o.remove("attachments");
    }
    trim_mentions(&mut body);
    body
}

/// `allowed_mentions` without the empty lists serenity writes: `{"parse": []}` pings nobody.
fn trim_mentions(body: &mut Value) {
    if let Some(m) = body["allowed_mentions"].as_object_mut() {
        m.retain(|k, v| k == "parse" || v.as_array().is_none_or(|a| !a.is_empty()));
    }
}

/// A message body for PATCH after a correction (or a settled review): its buttons are the
/// view's, none removing those it had.
pub fn edit_body(view: &View) -> Value {
    let message = serenity::EditMessage::new()
        .embed(reply::embed(view))
        .allowed_mentions(reply::mentions(&view.mentions))
        .components(reply::components(view));
    let mut body = serde_json::to_value(message).unwrap_or(Value::Null);
    trim_mentions(&mut body);
    body
}

/// The channel's snowflake; a reference of another platform never reaches this poster.
fn snowflake(channel: &ChannelRef) -> Result<u64, PostOutcome> {
    channel
        .discord_id()
        .ok_or_else(|| PostOutcome::Rejected(format!("{channel} is not a Discord channel")))
}

/// Posts with reqwest to `{base}/api/v10/channels/{id}/messages`.
#[derive(Debug, Clone)]
pub struct DiscordPoster {
    pub(super) client: reqwest::Client,
    pub(super) base: String,
    token: Secret,
    /// The bot's user id, read from its token (the first part is the id in base64).
    pub(super) bot_id: Option<String>,
    /// Forum channels as last read (their tags and flags), so a post costs one request.
    pub(super) forums: KnownForums,
}

/// Forum channels as last read (`forum.rs`): posts to a forum read its tags once in a while,
/// not once a post (the pacer paces posts, not these reads).
#[derive(Debug, Clone, Default)]
pub(super) struct KnownForums(
    pub(super) std::sync::Arc<std::sync::Mutex<std::collections::HashMap<u64, KnownForum>>>,
);

/// A forum's channel object and when it was read.
pub(super) type KnownForum = (std::time::Instant, Value);

/// A bot token starts with its user id in base64.
fn bot_id_of(token: &Secret) -> Option<String> {
    use base64::Engine as _;
    let first = token.expose().split('.').next()?;
    let engine = base64::engine::general_purpose::STANDARD_NO_PAD;
    let bytes = engine.decode(first.trim_end_matches('=')).ok()?;
    let id = String::from_utf8(bytes).ok()?;
    id.parse::<u64>().ok().map(|_| id)
}

impl DiscordPoster {
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
            forums: KnownForums::default(),
        })
    }
}

impl ChannelPoster for DiscordPoster {
    async fn post(&self, channel: &ChannelRef, view: &View, nonce: &str) -> PostOutcome {
        let channel_id = match snowflake(channel) {
            Ok(id) => id,
            Err(outcome) => return outcome,
        };
        let (url, body) = match &view.forum {
            Some(post) => match self.forum_request(channel_id, view, post).await {
                Ok(request) => request,
                Err(outcome) => return outcome,
            },
            None => (
                format!("{}/api/v10/channels/{channel_id}/messages", self.base),
                post_body(view, nonce),
            ),
        };
        match &view.image {
            None => self.send(self.client.post(url), &body).await,
            Some(image) => {
                // The picture goes as `files[0]`, which the embed names as its attachment.
                let mut body = body;
                let message = if view.forum.is_some() {
                    &mut body["message"]
                } else {
                    &mut body
                };
                message["attachments"] =
                    serde_json::json!([{ "id": 0, "filename": image.filename }]);
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

    async fn crosspost(&self, channel: &ChannelRef, message_id: &str) -> PostOutcome {
        let channel_id = match snowflake(channel) {
            Ok(id) => id,
            Err(outcome) => return outcome,
        };
        let url = format!(
            "{}/api/v10/channels/{channel_id}/messages/{message_id}/crosspost",
            self.base
        );
        self.send_request(self.client.post(url)).await
    }

    async fn edit(&self, channel: &ChannelRef, message_id: &str, view: &View) -> PostOutcome {
        if let Some(post) = &view.forum {
            return self.edit_forum_post(message_id, view, post).await;
        }
        let channel_id = match snowflake(channel) {
            Ok(id) => id,
            Err(outcome) => return outcome,
        };
        let url = format!(
            "{}/api/v10/channels/{channel_id}/messages/{message_id}",
            self.base
        );
        let body = edit_body(view);
        self.send(self.client.patch(url), &body).await
    }

    async fn open_dm(&self, person: &ChannelRef) -> Result<ChannelRef, PostOutcome> {
        self.dm_channel(person).await
    }

    async fn update_thread(
        &self,
        _channel: &ChannelRef,
        thread: &str,
        name: Option<&str>,
    ) -> PostOutcome {
        self.change_thread(thread, name).await
    }

    async fn find_forum_post(
        &self,
        forum: &ChannelRef,
        title: &str,
        marker: &str,
    ) -> Result<Option<String>, PostOutcome> {
        self.find_in_forum(snowflake(forum)?, title, marker).await
    }

    async fn open_thread(
        &self,
        channel: &ChannelRef,
        message: &str,
        name: &str,
        archive_minutes: u32,
    ) -> PostOutcome {
        let channel_id = match snowflake(channel) {
            Ok(id) => id,
            Err(outcome) => return outcome,
        };
        let url = format!(
            "{}/api/v10/channels/{channel_id}/messages/{message}/threads",
            self.base
        );
        let body = serde_json::json!({ "name": name, "auto_archive_duration": archive_minutes });
        match self.send(self.client.post(url), &body).await {
            // 160004: the thread exists (an earlier attempt's answer was lost).
            PostOutcome::Rejected(why) if why.ends_with("(160004)") => PostOutcome::sent(message),
            outcome => outcome,
        }
    }

    async fn find_post(
        &self,
        channel: &ChannelRef,
        marker: &str,
        _nonce: &str,
    ) -> Result<Option<String>, PostOutcome> {
        let messages = self.recent(snowflake(channel)?).await?;
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
            .and_then(|m| Some(m["id"].as_str()?.to_string())))
    }
}

impl DiscordPoster {
    /// POST `/users/@me/channels`: the DM channel with the user (the same one every time).
    async fn dm_channel(&self, person: &ChannelRef) -> Result<ChannelRef, PostOutcome> {
        let user = person
            .id
            .strip_prefix('@')
            .filter(|u| u.parse::<u64>().is_ok())
            .ok_or_else(|| PostOutcome::Rejected(format!("{person} is not a Discord user")))?;
        let url = format!("{}/api/v10/users/@me/channels", self.base);
        let body = serde_json::json!({ "recipient_id": user });
        let request = self
            .client
            .post(url)
            .header("Authorization", format!("Bot {}", self.token.expose()))
            .header("Content-Type", "application/json")
            .body(body.to_string());
        let response = request
            .send()
            .await
            .map_err(|e| PostOutcome::Failed(format!("request failed: {e}")))?;
        let status = response.status().as_u16();
        let json: Value = serde_json::from_slice(&response.bytes().await.unwrap_or_default())
            .unwrap_or(Value::Null);
        match classify(status, None, false, &json) {
            PostOutcome::Sent { message } => Ok(ChannelRef::new(Platform::Discord, message)),
            other => Err(other),
        }
    }

    /// GET `{base}/api/v10/channels/{id}/messages?limit=50`, newest first.
    async fn recent(&self, channel_id: u64) -> Result<Value, PostOutcome> {
        self.get_json(&format!("channels/{channel_id}/messages?limit=50"))
            .await
    }

    /// GET `{base}/api/v10/{path}`: the answer's JSON, or what the failure means.
    pub(super) async fn get_json(&self, path: &str) -> Result<Value, PostOutcome> {
        let url = format!("{}/api/v10/{path}", self.base);
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

    pub(super) async fn send(&self, request: reqwest::RequestBuilder, body: &Value) -> PostOutcome {
        let request = request
            .header("Content-Type", "application/json")
            .body(body.to_string());
        self.send_request(request).await
    }

    /// Sends with the bot's token and reads the answer.
    pub(super) async fn send_request(&self, request: reqwest::RequestBuilder) -> PostOutcome {
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_bot_id_is_read_from_the_token() {
        let token: Secret = "OTAwMDAwMDAwMDAwMDAwMDAx.abc.def".parse().unwrap();
        assert_eq!(bot_id_of(&token).as_deref(), Some("900000000000000001"));
        let odd: Secret = "not-base64!.a.b".parse().unwrap();
        assert_eq!(bot_id_of(&odd), None);
    }

    #[test]
    fn a_post_carries_its_nonce_and_pings_nobody() {
        let view = View {
            title: "New layoff: Acme".into(),
            fields: vec![("People".into(), "10 people".into())],
            ..View::default()
        };
        let body = post_body(&view, "lb-7");
        assert_eq!(body["nonce"], "lb-7");
        assert_eq!(body["enforce_nonce"], true);
        assert_eq!(body["allowed_mentions"], json!({ "parse": [] }));
        assert_eq!(body["embeds"][0]["fields"][0]["name"], "People");
        assert_eq!(body["embeds"][0]["type"], "rich");
        assert!(body.get("components").is_none());
        let edit = edit_body(&view);
        assert!(edit.get("nonce").is_none());
        assert_eq!(edit["embeds"], body["embeds"]);
    }

    #[test]
    fn a_role_opted_in_is_the_only_mention() {
        let view = View {
            mentions: Mentions::Role(42),
            ..View::default()
        };
        let body = post_body(&view, "lb-1");
        assert_eq!(body["content"], "<@&42>");
        assert_eq!(
            body["allowed_mentions"],
            json!({ "parse": [], "roles": ["42"] })
        );
    }
}
