//! Making stored text safe to show in Discord markdown: escapes, and links named by host.

use crate::domain::Source;

/// Backslash-escapes Discord markdown in stored text, so it shows as typed.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '~' | '`' | '|' | '[' | ']' | '>') {
            out.push('\\');
        }
        out.push(c);
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
}
