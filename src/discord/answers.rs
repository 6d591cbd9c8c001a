//! Reading Discord's answers to the bot's own requests (posts, edits, threads, DMs): what
//! the worker does next. Separate from the I/O so it can be tested.

use std::time::Duration;

use serde_json::Value;

use crate::notify::PostOutcome;

/// "Cannot send messages to this user": DMs closed, or the bot blocked.
const CANNOT_DM: u64 = 50007;

/// Reads Discord's answer.
pub fn classify(
    status: u16,
    retry_after: Option<&str>,
    global_header: bool,
    body: &Value,
) -> PostOutcome {
    let message = body["message"].as_str().unwrap_or("no message").to_string();
    if body["code"].as_u64() == Some(CANNOT_DM) {
        return PostOutcome::Unreachable {
            status,
            reason: format!(
                "Discord {CANNOT_DM} ({message}): the person's DMs are closed to the bot"
            ),
        };
    }
    match status {
        200..=299 => match body["id"].as_str().filter(|id| id.parse::<u64>().is_ok()) {
            Some(id) => PostOutcome::sent(id),
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
        400..=499 => match body["code"].as_u64() {
            Some(code) => PostOutcome::Rejected(format!("Discord {status}: {message} ({code})")),
            None => PostOutcome::Rejected(format!("Discord {status}: {message}")),
        },
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
    fn statuses_map_to_what_the_worker_does() {
        assert_eq!(
            classify(200, None, false, &json!({"id": "123"})),
            PostOutcome::sent("123")
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
