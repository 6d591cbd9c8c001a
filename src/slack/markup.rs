//! Our views' text (Discord markdown, every stored or typed part already escaped by
//! `render::escape_markdown`) as Slack text. Nothing goes out as mrkdwn: sections, headers,
//! context, buttons and notifications are plain text, confirmations rich text, so typed `*`,
//! `_`, `~` and backticks show as typed; `&`, `<` and `>` are escaped in every text, so nothing
//! pings or links. Only our own `<#C…>` channel references stay references.

use serde_json::{Value, json};

/// A literal character in Slack text.
fn push_literal(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        c => out.push(c),
    }
}

/// After `[`: our own `name](<url>)`, consumed; None (nothing consumed) for anything else.
fn link(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<(String, String)> {
    let rest: String = chars.clone().collect();
    let close = find_unescaped(&rest, "](<")?;
    let name = &rest[..close];
    let after = &rest[close + 3..];
    let end = after.find(">)")?;
    let url = &after[..end];
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.contains(['<', ' ']) {
        return None;
    }
    let consumed = rest[..close + 3 + end + 2].chars().count();
    for _ in 0..consumed {
        chars.next();
    }
    Some((name.to_string(), url.to_string()))
}

/// The first `pattern` in `text` not preceded by a backslash escape.
fn find_unescaped(text: &str, pattern: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        if c == '\\' {
            escaped = true;
            continue;
        }
        if text[i..].starts_with(pattern) {
            return Some(i);
        }
    }
    None
}

/// `&`, `<` and `>` as Slack's entities: what every text sent to Slack goes through.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_literal(&mut out, c);
    }
    out
}

/// A piece of our markdown: literal text (typed text included, unescaped here), with our
/// own bold and `code` marks, or one of our links or channel references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    Text {
        text: String,
        bold: bool,
        code: bool,
    },
    Link {
        url: String,
        name: String,
    },
    Channel(String),
}

/// Our markdown as spans. Every typed character arrives backslash-escaped by
/// `render::escape_markdown`, so only our own marks, links and references are read as such.
pub fn spans(markdown: &str) -> Vec<Span> {
    let (mut out, mut run, mut bold, mut code) = (Vec::new(), String::new(), false, false);
    let flush = |out: &mut Vec<Span>, run: &mut String, bold: bool, code: bool| {
        if !run.is_empty() {
            let text = std::mem::take(run);
            out.push(Span::Text { text, bold, code });
        }
    };
    let mut chars = markdown.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => run.extend(chars.next()),
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                flush(&mut out, &mut run, bold, code);
                bold = !bold;
            }
            '`' => {
                flush(&mut out, &mut run, bold, code);
                code = !code;
            }
            '[' => match link(&mut chars) {
                Some((name, url)) => {
                    flush(&mut out, &mut run, bold, code);
                    out.push(Span::Link {
                        url,
                        name: literal(&name),
                    });
                }
                None => run.push('['),
            },
            '<' if chars.peek() == Some(&'#') => match channel_ref(&mut chars) {
                Some(id) => {
                    flush(&mut out, &mut run, bold, code);
                    out.push(Span::Channel(id));
                }
                None => run.push('<'),
            },
            c => run.push(c),
        }
    }
    flush(&mut out, &mut run, bold, code);
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

/// A link's name (our markdown) as the literal text it shows.
fn literal(markdown: &str) -> String {
    spans(markdown)
        .into_iter()
        .map(|span| match span {
            Span::Text { text, .. } => text,
            Span::Link { name, .. } => name,
            Span::Channel(id) => format!("#{id}"),
        })
        .collect()
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

/// After `<`: our own `#C0123>` channel reference, consumed; None (nothing consumed) else.
fn channel_ref(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<String> {
    let rest: String = chars.clone().take(40).collect();
    let id = rest.strip_prefix('#')?.split('>').next()?;
    let valid = !id.is_empty() && id.len() < 32 && id.bytes().all(|b| b.is_ascii_alphanumeric());
    if !valid || !rest[1 + id.len()..].starts_with('>') {
        return None;
    }
    for _ in 0..id.len() + 2 {
        chars.next();
    }
    Some(id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
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
