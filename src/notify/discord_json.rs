//! A [`View`] as Discord's message JSON, for the poster's own HTTP client: embed, buttons,
//! no pings, and the nonce Discord dedupes on. The `discord/` front end builds the same
//! message with serenity's builders; a test checks that the two agree.

use serde_json::{Value, json};

use crate::render::{Button, ButtonStyle, Mentions, View};

/// Discord's component types and button styles.
const ACTION_ROW: u8 = 1;
const BUTTON: u8 = 2;
const PRIMARY: u8 = 1;
const SECONDARY: u8 = 2;

/// The embed of a view (its image, if any, referenced as an attachment).
pub fn embed(view: &View) -> Value {
    let mut embed = json!({ "type": "rich", "title": view.title, "color": view.colour });
    if !view.description.is_empty() {
        embed["description"] = json!(view.description);
    }
    if !view.fields.is_empty() {
        embed["fields"] = view
            .fields
            .iter()
            .map(|(name, value)| json!({ "name": name, "value": value, "inline": false }))
            .collect();
    }
    if !view.footer.is_empty() {
        embed["footer"] = json!({ "text": view.footer });
    }
    if let Some(image) = &view.image {
        embed["image"] = json!({ "url": format!("attachment://{}", image.filename) });
    }
    embed
}

fn button(b: &Button) -> Value {
    let style = match b.style {
        ButtonStyle::Primary => PRIMARY,
        ButtonStyle::Secondary => SECONDARY,
    };
    json!({
        "type": BUTTON, "custom_id": b.id.to_string(), "label": b.label,
        "style": style, "disabled": b.disabled,
    })
}

/// `allowed_mentions` for a view: nobody unless it names whom.
pub fn allowed_mentions(mentions: &Mentions) -> Value {
    match mentions {
        Mentions::None => json!({ "parse": [] }),
        Mentions::Role(id) => json!({ "parse": [], "roles": [id.to_string()] }),
    }
}

/// A message body for POST (with the delivery's nonce) or PATCH (without).
pub fn message(view: &View, nonce: Option<&str>) -> Value {
    let mut body = json!({
        "embeds": [embed(view)],
        "allowed_mentions": allowed_mentions(&view.mentions),
    });
    if let Mentions::Role(id) = view.mentions {
        body["content"] = json!(format!("<@&{id}>"));
    }
    if !view.buttons.is_empty() {
        let row = json!({ "type": ACTION_ROW, "components": view.buttons.iter().map(button).collect::<Vec<_>>() });
        body["components"] = json!([row]);
    }
    if let Some(nonce) = nonce {
        body["nonce"] = json!(nonce);
        body["enforce_nonce"] = json!(true);
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_carries_its_nonce_and_pings_nobody() {
        let view = View {
            title: "New layoff: Acme".into(),
            fields: vec![("People".into(), "10 people".into())],
            ..View::default()
        };
        let body = message(&view, Some("lb-7"));
        assert_eq!(body["nonce"], "lb-7");
        assert_eq!(body["enforce_nonce"], true);
        assert_eq!(body["allowed_mentions"], json!({ "parse": [] }));
        assert_eq!(body["embeds"][0]["fields"][0]["name"], "People");
        assert!(body.get("components").is_none());
        let edit = message(&view, None);
        assert!(edit.get("nonce").is_none());
    }
}
