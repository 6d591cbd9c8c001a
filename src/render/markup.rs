//! Our markup: the one text format of every view (title, description, fields, footer). It is
//! the part of Discord's Markdown we write ourselves: `**bold**`, `` `code` ``, links as
//! `[name](<url>)`, channel references as `<#id>`, and everything stored or typed escaped with
//! a backslash (so it can never format, link or ping). Discord shows it as it is; every other
//! surface reads it as [`Span`]s (Slack's rich text and plain text, a web page's HTML).

use crate::domain::Source;
use crate::domain::company::is_invisible_format;

/// Stored or typed text as Discord shows it literally: markdown (emphasis, code, spoilers,
/// quotes, masked links) and line-start syntax (headings `#`, subtext `-#`, lists) escaped,
/// `<...>` mentions, channel links and timestamps escaped, bare links kept from linking, and
/// invisible format characters (zero-width, text direction) dropped.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut line_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_invisible_format(c) {
            continue;
        }
        let escape = matches!(
            c,
            '\\' | '*' | '_' | '~' | '`' | '|' | '[' | ']' | '>' | '<'
        ) || (line_start && matches!(c, '#' | '-' | '+'))
            || (c == ':' && chars.peek() == Some(&'/'));
        if escape {
            out.push('\\');
        }
        out.push(c);
        line_start = c == '\n' || (line_start && c == ' ');
    }
    out
}

/// The source as a markdown link (named by its host) or the publication's name.
pub fn source_markdown(source: &Source) -> String {
    match source.url() {
        Some(url) => {
            let host = source.host().unwrap_or("link");
            let target = url.replace('(', "%28").replace(')', "%29");
            format!("[{}](<{target}>)", escape_markdown(host))
        }
        None => escape_markdown(source.as_str()),
    }
}

/// A piece of our markup: literal text (typed text included, unescaped here), with our
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

/// Our markup as spans. Every typed character arrives backslash-escaped by
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

    #[test]
    fn markdown_and_links_are_made_safe() {
        assert_eq!(escape_markdown("**bold** _x_"), "\\*\\*bold\\*\\* \\_x\\_");
        let src = Source::parse("https://www.wsj.com/a_(b)").unwrap().unwrap();
        assert_eq!(
            source_markdown(&src),
            "[wsj.com](<https://www.wsj.com/a_%28b%29>)"
        );
    }

    #[test]
    fn headings_mentions_links_and_invisible_characters_are_defused() {
        assert_eq!(escape_markdown("# Big"), "\\# Big");
        assert_eq!(escape_markdown("-# small\n## two"), "\\-# small\n\\## two");
        assert_eq!(escape_markdown("Acme #1"), "Acme #1");
        assert_eq!(
            escape_markdown("<@&123> <t:1:R> <#9>"),
            "\\<@&123\\> \\<t:1:R\\> \\<#9\\>"
        );
        assert_eq!(
            escape_markdown("see https://phish.example"),
            "see https\\://phish.example"
        );
        assert_eq!(escape_markdown("Ama\u{200b}zon\u{202e}"), "Amazon");
        assert_eq!(
            escape_markdown("[Google](https://phish.example/login)"),
            "\\[Google\\](https\\://phish.example/login)"
        );
    }
}
