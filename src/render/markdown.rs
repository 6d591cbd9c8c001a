//! Making stored text safe to show in Discord markdown: escapes, and links named by host.

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
            let host = url
                .split("://")
                .nth(1)
                .and_then(|rest| rest.split(['/', '?', '#']).next())
                .unwrap_or("link")
                .trim_start_matches("www.");
            let target = url.replace('(', "%28").replace(')', "%29");
            format!("[{}](<{target}>)", escape_markdown(host))
        }
        None => escape_markdown(source.as_str()),
    }
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
