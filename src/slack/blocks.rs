//! A [`View`] as Slack's Block Kit: a header, a section for the description and one per field,
//! the footer as context, buttons as an actions block; cut to Slack's limits. Also the text
//! Slack shows in notifications, and ephemeral or channel replies to commands. Every text is
//! plain text, escaped (`markup::escape`): what was typed shows as typed, `*`, `_`, `~` and
//! backticks format nothing and nothing pings; a source link becomes the section's button.

use serde_json::{Value, json};

use super::markup::{fallback as fallback_text, plain_text, rich_text};
use crate::render::markup::{Span, spans};
use crate::render::{ButtonStyle, View, truncate};

/// Block Kit limits (api.slack.com/reference/block-kit/blocks).
const HEADER_TEXT: usize = 150;
const SECTION_TEXT: usize = 3000;
const CONTEXT_TEXT: usize = 2000;
const BUTTON_TEXT: usize = 75;
const MAX_BLOCKS: usize = 50;
/// The notification text of a message.
const FALLBACK_TEXT: usize = 300;

/// Escaped text within `max` characters, never cutting an entity in two.
fn fit(escaped: &str, max: usize) -> String {
    let mut out = truncate(escaped, max);
    if out.len() < escaped.len() {
        out.pop();
        if let Some(amp) = out.rfind('&')
            && !out[amp..].contains(';')
        {
            out.truncate(amp);
        }
        out.push('…');
    }
    out
}

/// A plain text object of our markdown, escaped, within `max` characters.
fn text(markdown: &str, max: usize) -> Value {
    json!({ "type": "plain_text", "text": fit(&plain_text(markdown), max), "emoji": false })
}

/// Characters of a URL button's label.
const LINK_LABEL: usize = 75;

/// A section of our markdown as plain text; its first link (a source) as a URL button beside
/// it, so it stays one click away. None for empty text.
fn section(markdown: &str) -> Option<Value> {
    if markdown.is_empty() {
        return None;
    }
    let mut block = json!({ "type": "section", "text": text(markdown, SECTION_TEXT) });
    let link = spans(markdown).into_iter().find_map(|s| match s {
        Span::Link { url, name } => Some((url, name)),
        _ => None,
    });
    if let Some((url, name)) = link {
        block["accessory"] = json!({
            "type": "button",
            "text": text(&format!("Source: {name}"), LINK_LABEL),
            "url": url,
            "action_id": "source",
        });
    }
    Some(block)
}

/// The view's blocks.
pub fn blocks(view: &View) -> Vec<Value> {
    let mut out = Vec::new();
    if !view.title.is_empty() {
        out.push(json!({
            "type": "header",
            "text": text(&view.title, HEADER_TEXT),
        }));
    }
    out.extend(section(&view.description));
    for (name, value) in &view.fields {
        out.extend(section(&format!("**{name}**\n{value}")));
    }
    // Room for the context and the buttons.
    out.truncate(MAX_BLOCKS - 2);
    if !view.footer.is_empty() {
        out.push(json!({
            "type": "context",
            "elements": [text(&view.footer, CONTEXT_TEXT)],
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
                    "text": text(&b.label, BUTTON_TEXT),
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
    fit(&plain_text(text), FALLBACK_TEXT)
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

/// A short text only the user sees (errors, confirmations, with our channel references as
/// links): typed parts shown as typed in rich text.
pub fn ephemeral_text(markdown: &str) -> Value {
    let markdown = truncate(markdown, SECTION_TEXT);
    json!({
        "response_type": "ephemeral",
        "text": fallback_text(&markdown),
        "blocks": rich_text(&markdown).into_iter().collect::<Vec<_>>(),
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
        assert_eq!(
            b[2]["text"],
            json!({"type": "plain_text", "text": "f0\nv", "emoji": false})
        );
    }
}
