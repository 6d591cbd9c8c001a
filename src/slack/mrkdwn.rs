//! From our views' text (Discord markdown, every stored or typed part already escaped by
//! `render::escape_markdown`) to Slack: mrkdwn for sections, plain text for headers and
//! buttons. What users typed stays literal: `<`, `>` and `&` are escaped (so nothing pings or
//! links), and texts are sent with `verbatim: true` (bare URLs are not linked).

/// Discord markdown as Slack mrkdwn: `**bold**` as `*bold*`, `[name](<url>)` as `<url|name>`,
/// backslash escapes as the literal character.
pub fn mrkdwn(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    push_literal(&mut out, next);
                }
            }
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                out.push('*');
            }
            '[' => match link(&mut chars) {
                Some((name, url)) => {
                    out.push('<');
                    out.push_str(&url.replace('|', "%7C"));
                    out.push('|');
                    out.push_str(&mrkdwn(&name));
                    out.push('>');
                }
                None => out.push('['),
            },
            _ => push_literal(&mut out, c),
        }
    }
    out
}

/// A literal character in mrkdwn.
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

/// Discord markdown as plain text (headers, buttons, notifications): escapes and bold marks
/// dropped.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{escape_markdown, source_markdown};

    #[test]
    fn typed_text_stays_literal_and_never_pings_or_links() {
        let hostile = "<!channel> <@U123> *x* [a](https://evil.example) & <https://x|y>";
        let shown = mrkdwn(&escape_markdown(hostile));
        assert!(!shown.contains('<') && !shown.contains('>'), "{shown}");
        assert!(
            shown.starts_with("&lt;!channel&gt; &lt;@U123&gt;"),
            "{shown}"
        );
        assert!(shown.contains("&amp;"), "{shown}");
        assert_eq!(plain(&escape_markdown("# Big **bold**")), "# Big **bold**");
    }

    #[test]
    fn our_own_markdown_becomes_slacks() {
        assert_eq!(mrkdwn("**3** layoffs"), "*3* layoffs");
        let src = crate::domain::Source::parse("https://www.wsj.com/a_(b)")
            .unwrap()
            .unwrap();
        assert_eq!(
            mrkdwn(&source_markdown(&src)),
            "<https://www.wsj.com/a_%28b%29|wsj.com>"
        );
        assert_eq!(plain("**Amazon** \\- 3"), "Amazon - 3");
    }
}
