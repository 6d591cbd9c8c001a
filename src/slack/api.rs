//! Slack's Web API over our HTTP client, with `SLACK_API_URL` as its base: JSON calls with
//! the bot token, and what an answer means (Slack says `ok: false` inside HTTP 200, and
//! rate limits with 429 and `Retry-After`).

use std::time::Duration;

use serde_json::{Value, json};

use crate::config::Secret;

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// `ok: false` with Slack's error code ("channel_not_found").
    Slack(String),
    /// 429 or `ratelimited`: wait this long.
    RateLimited(Duration),
    /// 5xx, a timeout or a connection error: worth another try.
    Unavailable(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Slack(code) => write!(f, "Slack answered {code}"),
            Self::RateLimited(wait) => write!(f, "Slack rate limited us for {wait:?}"),
            Self::Unavailable(why) => write!(f, "Slack is unavailable: {why}"),
        }
    }
}

/// The Web API of one bot token.
#[derive(Debug, Clone)]
pub struct SlackApi {
    client: reqwest::Client,
    base: String,
    token: Secret,
}

impl SlackApi {
    pub fn new(base: &str, token: Secret) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .user_agent("layoffs-bot (Slack)")
            .build()?;
        Ok(Self {
            client,
            base: base.trim_end_matches('/').to_string(),
            token,
        })
    }

    /// Calls `method` with a JSON body; the answer when `ok` is true.
    pub async fn call(&self, method: &str, body: &Value) -> Result<Value, ApiError> {
        let request = self
            .client
            .post(format!("{}/{method}", self.base))
            .bearer_auth(self.token.expose())
            .header("Content-Type", "application/json; charset=utf-8")
            .body(body.to_string());
        read(request.send().await).await
    }

    /// Calls a method that takes form arguments (`users.info`, `conversations.history`).
    pub async fn call_form(&self, method: &str, form: &[(&str, &str)]) -> Result<Value, ApiError> {
        let request = self
            .client
            .post(format!("{}/{method}", self.base))
            .bearer_auth(self.token.expose())
            .form(form);
        read(request.send().await).await
    }

    /// Posts a message to a `response_url` (it answers plain "ok", and needs no token).
    pub async fn post_url(&self, url: &str, body: &Value) -> Result<(), ApiError> {
        let sent = self
            .client
            .post(url)
            .header("Content-Type", "application/json; charset=utf-8")
            .body(body.to_string())
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => Ok(()),
            Ok(r) if r.status().as_u16() == 429 => {
                Err(ApiError::RateLimited(Duration::from_secs(1)))
            }
            Ok(r) => Err(ApiError::Unavailable(format!(
                "response_url answered {}",
                r.status()
            ))),
            Err(e) => Err(ApiError::Unavailable(format!("request failed: {e}"))),
        }
    }

    /// Uploads a file to a channel with Slack's external flow: ask for an upload URL, send the
    /// bytes there, then complete the upload into the channel (in a thread when `thread_ts`).
    pub async fn upload(
        &self,
        channel: &str,
        thread_ts: Option<&str>,
        filename: &str,
        title: &str,
        bytes: Vec<u8>,
    ) -> Result<(), ApiError> {
        let length = bytes.len().to_string();
        let slot = self
            .call_form(
                "files.getUploadURLExternal",
                &[("filename", filename), ("length", &length)],
            )
            .await?;
        let (Some(url), Some(file_id)) = (slot["upload_url"].as_str(), slot["file_id"].as_str())
        else {
            return Err(ApiError::Unavailable(
                "no upload URL in Slack's answer".into(),
            ));
        };
        // Slack takes the raw bytes as well as a form.
        let sent = self
            .client
            .post(url)
            .header("Content-Type", "application/octet-stream")
            .body(bytes)
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => {}
            Ok(r) => {
                return Err(ApiError::Unavailable(format!(
                    "upload answered {}",
                    r.status()
                )));
            }
            Err(e) => return Err(ApiError::Unavailable(format!("upload failed: {e}"))),
        }
        let mut complete = json!({
            "files": [{ "id": file_id, "title": title }],
            "channel_id": channel,
        });
        if let Some(ts) = thread_ts {
            complete["thread_ts"] = json!(ts);
        }
        self.call("files.completeUploadExternal", &complete).await?;
        Ok(())
    }
}

async fn read(sent: Result<reqwest::Response, reqwest::Error>) -> Result<Value, ApiError> {
    let response = sent.map_err(|e| ApiError::Unavailable(format!("request failed: {e}")))?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let bytes = response.bytes().await.unwrap_or_default();
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    classify(status, retry_after, body)
}

/// What an answer means; apart from the I/O so it can be tested.
pub fn classify(status: u16, retry_after: Option<u64>, body: Value) -> Result<Value, ApiError> {
    let wait = || Duration::from_secs(retry_after.unwrap_or(1).clamp(1, 3600));
    if status == 429 || body["error"] == "ratelimited" {
        return Err(ApiError::RateLimited(wait()));
    }
    if status >= 500 {
        return Err(ApiError::Unavailable(format!("HTTP {status}")));
    }
    if body["ok"] == true {
        return Ok(body);
    }
    match body["error"].as_str() {
        Some(code) => Err(ApiError::Slack(code.to_string())),
        None => Err(ApiError::Unavailable(format!(
            "HTTP {status} without an answer Slack would give"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_as_slack_means_them() {
        assert_eq!(
            classify(200, None, json!({"ok": true, "ts": "1.000001"})).unwrap()["ts"],
            "1.000001"
        );
        assert_eq!(
            classify(
                200,
                None,
                json!({"ok": false, "error": "channel_not_found"})
            ),
            Err(ApiError::Slack("channel_not_found".into()))
        );
        assert_eq!(
            classify(429, Some(30), Value::Null),
            Err(ApiError::RateLimited(Duration::from_secs(30)))
        );
        assert_eq!(
            classify(200, None, json!({"ok": false, "error": "ratelimited"})),
            Err(ApiError::RateLimited(Duration::from_secs(1)))
        );
        assert!(matches!(
            classify(503, None, Value::Null),
            Err(ApiError::Unavailable(_))
        ));
        assert!(matches!(
            classify(404, None, Value::Null),
            Err(ApiError::Unavailable(_))
        ));
    }
}
