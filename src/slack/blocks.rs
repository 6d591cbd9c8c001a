//! A [`View`] as Slack's Block Kit: a header, a section for the description and one per
//! field, the footer as context, buttons as an actions block; cut to Slack's limits. Also the
//! text Slack shows in notifications, and ephemeral or channel replies to commands.

use serde_json::{Value, json};

use super::mrkdwn::{mrkdwn, plain};
use crate::render::{ButtonStyle, View, truncate};

/// Block Kit limits (api.slack.com/reference/block-kit/blocks).
const HEADER_TEXT: usize = 150;
const SECTION_TEXT: usize = 3000;
const CONTEXT_TEXT: usize = 2000;
const BUTTON_TEXT: usize = 75;
const MAX_BLOCKS: usize = 50;
/// The notification text of a message.
const FALLBACK_TEXT: usize = 300;

fn text(kind: &str, value: &str, max: usize) -> Value {
    let value = truncate(value, max);
    if kind == "mrkdwn" {
        json!({ "type": "mrkdwn", "text": value, "verbatim": true })
    } else {
        json!({ "type": "plain_text", "text": value, "emoji": false })
    }
}

fn section(markdown: &str) -> Value {
    json!({ "type": "section", "text": text("mrkdwn", &mrkdwn(markdown), SECTION_TEXT) })
}

/// The view's blocks.
pub fn blocks(view: &View) -> Vec<Value> {
    let mut out = Vec::new();
    if !view.title.is_empty() {
        out.push(json!({
            "type": "header",
            "text": text("plain_text", &plain(&view.title), HEADER_TEXT),
        }));
    }
    if !view.description.is_empty() {
        out.push(section(&view.description));
    }
    for (name, value) in &view.fields {
        out.push(section(&format!("**{name}**\n{value}")));
    }
    // Room for the context and the buttons.
    out.truncate(MAX_BLOCKS - 2);
    if !view.footer.is_empty() {
        out.push(json!({
            "type": "context",
            "elements": [text("mrkdwn", &mrkdwn(&view.footer), CONTEXT_TEXT)],
        }));
    }
    if !view.buttons.is_empty() {
        let buttons: Vec<Value> = view
            .buttons
            .iter()
            .filter(|b| !b.disabled)
            .map(|b| {
                let id = b.id.to_string();
                let mut button = json!({
                    "type": "button",
                    "text": text("plain_text", &b.label, BUTTON_TEXT),
                    "action_id": id,
                    "value": id,
                });
                if b.style == ButtonStyle::Primary {
                    button["style"] = json!("primary");
                }
                button
            })
            .collect();
        if !buttons.is_empty() {
            out.push(json!({ "type": "actions", "elements": buttons }));
        }
    }
    out
}

/// What Slack shows in a notification: the title (or the text of a view without one).
pub fn fallback(view: &View) -> String {
    let text = if view.title.is_empty() {
        &view.description
    } else {
        &view.title
    };
    truncate(&plain(text), FALLBACK_TEXT)
}

/// A message of the view (for `chat.postMessage`, `chat.update` and replies).
pub fn message(view: &View) -> Value {
    json!({ "text": fallback(view), "blocks": blocks(view) })
}

/// A reply to a command: in the channel for all to see, or only to the user.
pub fn reply(view: &View, in_channel: bool) -> Value {
    let mut m = message(view);
    m["response_type"] = json!(if in_channel {
        "in_channel"
    } else {
        "ephemeral"
    });
    m
}

/// A short text only the user sees (errors, confirmations).
pub fn ephemeral_text(markdown: &str) -> Value {
    json!({
        "response_type": "ephemeral",
        "text": truncate(&plain(markdown), FALLBACK_TEXT),
        "blocks": [section(markdown)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Button, ButtonId};

    #[test]
    fn a_view_becomes_blocks_within_slacks_limits() {
        let view = View {
            title: "**Amazon** layoffs".into(),
            description: "3 layoffs".into(),
            fields: (0..60)
                .map(|i| (format!("f{i}"), "v".to_string()))
                .collect(),
            footer: "Event #1 · added".into(),
            buttons: vec![Button {
                id: ButtonId::Page {
                    company: Some(1),
                    days: None,
                    page: 1,
                },
                label: "Next".into(),
                style: ButtonStyle::Primary,
                disabled: false,
            }],
            ..View::default()
        };
        let b = blocks(&view);
        assert_eq!(b.len(), MAX_BLOCKS);
        assert_eq!(b[0]["text"]["text"], "Amazon layoffs");
        assert_eq!(b[MAX_BLOCKS - 2]["type"], "context");
        let button = &b[MAX_BLOCKS - 1]["elements"][0];
        assert_eq!(button["action_id"], "lp:1:-:1");
        assert_eq!(button["style"], "primary");
        assert_eq!(b[2]["text"]["text"], "*f0*\nv");
        assert_eq!(b[2]["text"]["verbatim"], true);
    }
}
