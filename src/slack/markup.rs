//! Our views' text (our markup, `render::markup`, every stored or typed part already escaped)
//! as Slack text. Nothing goes out as mrkdwn: sections, headers,
//! context, buttons and notifications are plain text, confirmations rich text, so typed `*`,
//! `_`, `~` and backticks show as typed; `&`, `<` and `>` are escaped in every text, so nothing
//! pings or links. Only our own `<#C…>` channel references stay references.

use serde_json::{Value, json};

use crate::render::markup::{Span, spans};

/// A literal character in Slack text.
fn push_literal(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        c => out.push(c),
    }
}

/// `&`, `<` and `>` as Slack's entities: what every text sent to Slack goes through.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_literal(&mut out, c);
    }
    out
}

/// Our markdown as a `rich_text` block: typed text shown exactly as typed (escaped), our bold
/// and `code` as styles, our links and `<#C…>` channel references as elements. None for
/// empty text.
pub fn rich_text(markdown: &str) -> Option<Value> {
    let elements: Vec<Value> = spans(markdown)
        .into_iter()
        .map(|span| match span {
            Span::Text { text, bold, code } => {
                let mut e = json!({ "type": "text", "text": escape(&text) });
                if bold || code {
                    e["style"] = json!({ "bold": bold, "code": code });
                }
                e
            }
            Span::Link { url, name } => {
                json!({ "type": "link", "url": url, "text": escape(&name) })
            }
            Span::Channel(id) => json!({ "type": "channel", "channel_id": id }),
        })
        .collect();
    (!elements.is_empty()).then(|| {
        json!({ "type": "rich_text",
                "elements": [{ "type": "rich_text_section", "elements": elements }] })
    })
}

/// Our markdown as one escaped string: text as typed, links by their names, each channel
/// reference as `channel` writes it.
fn flatten(markdown: &str, channel: impl Fn(&str) -> String) -> String {
    spans(markdown)
        .into_iter()
        .map(|span| match span {
            Span::Text { text, .. } => escape(&text),
            Span::Link { name, .. } => escape(&name),
            Span::Channel(id) => channel(&id),
        })
        .collect()
}

/// Our markdown as Slack plain text (headers, sections, context, buttons): a channel
/// reference as its plain `#C…`.
pub fn plain_text(markdown: &str) -> String {
    flatten(markdown, |id| format!("#{id}"))
}

/// Our markdown as a message's top-level text (what notifications show): our channel
/// references kept as Slack's `<#C…>` (a typed one never gets here unescaped).
pub fn fallback(markdown: &str) -> String {
    flatten(markdown, |id| format!("<#{id}>"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::markup::{Span, spans};
    use crate::render::{escape_markdown, source_markdown};

    #[test]
    fn typed_text_in_rich_text_is_shown_as_typed_and_never_formats_or_pings() {
        let typed = "*Bold* _it_ ~gone~ `code` <!channel> & <@U1>";
        let block = rich_text(&format!("**Company**\n{}", escape_markdown(typed))).unwrap();
        let elements = &block["elements"][0]["elements"];
        assert_eq!(elements[0]["text"], "Company");
        assert_eq!(elements[0]["style"]["bold"], true);
        assert_eq!(
            fallback(&escape_markdown(typed)),
            "*Bold* _it_ ~gone~ `code` &lt;!channel&gt; &amp; &lt;@U1&gt;"
        );
        assert_eq!(
            elements[1]["text"],
            "\n*Bold* _it_ ~gone~ `code` &lt;!channel&gt; &amp; &lt;@U1&gt;"
        );
        assert!(elements[1].get("style").is_none());
        assert_eq!(elements.as_array().unwrap().len(), 2);
    }

    #[test]
    fn our_links_channels_and_code_become_elements() {
        let block = rich_text("See <#C0123> and [wsj.com](<https://wsj.com/a>), `/x`").unwrap();
        let e = &block["elements"][0]["elements"];
        assert_eq!(e[1], json!({"type": "channel", "channel_id": "C0123"}));
        assert_eq!(e[3]["url"], "https://wsj.com/a");
        assert_eq!(e[5]["style"]["code"], true);
        // A typed reference is escaped, so it stays text.
        let typed = rich_text(&escape_markdown("<#C0123>")).unwrap();
        assert_eq!(
            typed["elements"][0]["elements"][0]["text"],
            "&lt;#C0123&gt;"
        );
        assert!(rich_text("").is_none());
    }

    #[test]
    fn our_sources_and_marks_read_as_plain_text() {
        let src = crate::domain::Source::parse("https://www.wsj.com/a_(b)")
            .unwrap()
            .unwrap();
        let spans = spans(&source_markdown(&src));
        assert_eq!(
            spans,
            [Span::Link {
                url: "https://www.wsj.com/a_%28b%29".into(),
                name: "wsj.com".into()
            }]
        );
        assert_eq!(plain_text("**Amazon** \\- 3 <#C1>"), "Amazon - 3 #C1");
        let hostile = "<!channel> <@U123> *x* [a](https://evil.example) & <https://x|y>";
        assert_eq!(
            plain_text(&escape_markdown(hostile)),
            "&lt;!channel&gt; &lt;@U123&gt; *x* [a](https://evil.example) &amp; &lt;https://x|y&gt;"
        );
    }
}
