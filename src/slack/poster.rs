//! Slack's side of delivery: `chat.postMessage` with the delivery in the message's metadata
//! (Slack has no nonce), `chat.update` for corrections, the channel's recent history to find
//! a post whose answer was lost, and Slack's answers mapped to what the worker does.

use serde_json::{Value, json};

use super::api::{ApiError, SlackApi};
use super::blocks;
use crate::domain::{ChannelRef, Platform};
use crate::notify::{ChannelPoster, PostOutcome};
use crate::render::View;

/// The metadata event type of our posts.
const EVENT_TYPE: &str = "layoffs_bot_post";

#[derive(Debug, Clone)]
pub struct SlackPoster {
    api: SlackApi,
}

impl SlackPoster {
    pub fn new(api: SlackApi) -> Self {
        Self { api }
    }
}

/// What a failed call means for a delivery.
pub fn outcome(error: ApiError) -> PostOutcome {
    match error {
        ApiError::RateLimited(retry_after) => PostOutcome::RateLimited {
            retry_after,
            global: false,
        },
        ApiError::Unavailable(why) => PostOutcome::Failed(why),
        ApiError::Slack(code) => match code.as_str() {
            "channel_not_found" => PostOutcome::Unreachable {
                status: 404,
                reason: "Slack channel_not_found: the channel no longer exists".into(),
            },
            "cannot_dm_bot" | "user_not_found" | "user_disabled" => PostOutcome::Unreachable {
                status: 403,
                reason: format!("Slack {code}: the person cannot get DMs from the bot"),
            },
            "not_in_channel" | "is_archived" | "account_inactive" => PostOutcome::Unreachable {
                status: 403,
                reason: format!("Slack {code}: the bot can no longer post in this channel"),
            },
            "invalid_auth" | "not_authed" | "token_revoked" | "token_expired" => {
                PostOutcome::Unauthorized
            }
            "internal_error" | "fatal_error" | "service_unavailable" | "request_timeout" => {
                PostOutcome::Failed(format!("Slack {code}"))
            }
            _ => PostOutcome::Rejected(format!("Slack {code}")),
        },
    }
}

/// The channel's Slack id; a reference of another platform never reaches this poster.
fn channel(channel: &ChannelRef) -> Result<&str, PostOutcome> {
    match channel.platform {
        Platform::Slack => Ok(&channel.id),
        Platform::Discord => Err(PostOutcome::Rejected(format!(
            "{channel} is not a Slack channel"
        ))),
    }
}

impl ChannelPoster for SlackPoster {
    async fn post(&self, to: &ChannelRef, view: &View, nonce: &str) -> PostOutcome {
        let ch = match channel(to) {
            Ok(ch) => ch,
            Err(outcome) => return outcome,
        };
        let mut body = blocks::message(view);
        body["channel"] = json!(ch);
        body["unfurl_links"] = json!(false);
        body["unfurl_media"] = json!(false);
        body["metadata"] =
            json!({ "event_type": EVENT_TYPE, "event_payload": { "delivery": nonce } });
        let sent = match self.api.call("chat.postMessage", &body).await {
            Ok(sent) => sent,
            Err(e) => return outcome(e),
        };
        let Some(ts) = sent["ts"].as_str().filter(|ts| !ts.is_empty()) else {
            return PostOutcome::Failed("Slack accepted the post but sent no ts".into());
        };
        if let Some(image) = &view.image {
            // The chart follows in the post's thread; the post stands without it.
            let title = blocks::fallback(view);
            let png = image.png.clone();
            if let Err(e) = self
                .api
                .upload(ch, Some(ts), &image.filename, &title, png)
                .await
            {
                tracing::warn!(error = %e, "could not upload the chart to Slack");
            }
        }
        PostOutcome::sent(ts)
    }

    async fn edit(&self, to: &ChannelRef, ts: &str, view: &View) -> PostOutcome {
        let ch = match channel(to) {
            Ok(ch) => ch,
            Err(outcome) => return outcome,
        };
        let mut body = blocks::message(view);
        body["channel"] = json!(ch);
        body["ts"] = json!(ts);
        match self.api.call("chat.update", &body).await {
            Ok(_) => PostOutcome::sent(ts),
            Err(e) => outcome(e),
        }
    }

    async fn open_dm(&self, person: &ChannelRef) -> Result<ChannelRef, PostOutcome> {
        let user = person
            .id
            .strip_prefix('@')
            .ok_or_else(|| PostOutcome::Rejected(format!("{person} is not a Slack user")))?;
        let opened = self
            .api
            .call("conversations.open", &json!({ "users": user }))
            .await
            .map_err(outcome)?;
        opened["channel"]["id"]
            .as_str()
            .map(|id| ChannelRef::new(Platform::Slack, id))
            .ok_or_else(|| PostOutcome::Failed("Slack opened no DM channel".into()))
    }

    async fn crosspost(&self, _channel: &ChannelRef, _ts: &str) -> PostOutcome {
        PostOutcome::Rejected("Slack has no crossposts".into())
    }

    async fn find_post(
        &self,
        to: &ChannelRef,
        _marker: &str,
        nonce: &str,
    ) -> Result<Option<String>, PostOutcome> {
        let ch = channel(to)?;
        let history = self
            .api
            .call_form(
                "conversations.history",
                &[
                    ("channel", ch),
                    ("limit", "50"),
                    ("include_all_metadata", "true"),
                ],
            )
            .await
            .map_err(outcome)?;
        let ours = |m: &&Value| {
            m["metadata"]["event_type"] == EVENT_TYPE
                && m["metadata"]["event_payload"]["delivery"] == nonce
        };
        Ok(history["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .find(ours)
            .and_then(|m| m["ts"].as_str())
            .map(str::to_string))
    }

    fn dedupes_nonces(&self, _channel: &ChannelRef) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_errors_map_to_what_the_worker_does() {
        let slack = |code: &str| outcome(ApiError::Slack(code.into()));
        assert!(matches!(
            slack("channel_not_found"),
            PostOutcome::Unreachable { status: 404, .. }
        ));
        for code in ["not_in_channel", "is_archived", "account_inactive"] {
            assert!(
                matches!(slack(code), PostOutcome::Unreachable { status: 403, .. }),
                "{code}"
            );
        }
        assert_eq!(slack("invalid_auth"), PostOutcome::Unauthorized);
        assert!(matches!(slack("internal_error"), PostOutcome::Failed(_)));
        assert!(matches!(slack("msg_too_long"), PostOutcome::Rejected(_)));
        assert!(matches!(
            outcome(ApiError::RateLimited(std::time::Duration::from_secs(3))),
            PostOutcome::RateLimited { global: false, .. }
        ));
    }
}
