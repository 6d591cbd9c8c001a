//! A Slack command as handlers read it, and what users type after it: words, `key:value` options (quoted values may hold
//! spaces), channel references as Slack escapes them (`<#C024BE91L|general>`); and errors as
//! a user reads them.

use slack_morphism::prelude::SlackCommandEvent;

use crate::error::Error;
use crate::render::escape_markdown;

/// What a command handler needs of the request.
#[derive(Debug, Clone)]
pub struct Command {
    pub team: String,
    pub user: String,
    pub channel: String,
    pub trigger: String,
    /// The text as typed (a company name may hold a colon).
    pub raw: String,
    pub typed: Typed,
}

impl Command {
    pub fn of(event: &SlackCommandEvent) -> Self {
        Self {
            team: event.team_id.0.clone(),
            user: event.user_id.0.clone(),
            channel: event.channel_id.0.clone(),
            trigger: event.trigger_id.0.clone(),
            raw: event.text.clone().unwrap_or_default(),
            typed: Typed::parse(event.text.as_deref().unwrap_or("")),
        }
    }
}

/// A command's text, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Typed {
    /// Words that are not options, in order.
    pub words: Vec<String>,
    /// `key:value` options, keys lower-cased.
    pub options: Vec<(String, String)>,
    /// The first channel reference, as its id.
    pub channel: Option<String>,
}

/// Longest command text we read; Slack itself caps it near 4,000 characters.
const MAX_TEXT: usize = 4000;

impl Typed {
    pub fn parse(text: &str) -> Self {
        let text: String = text.chars().take(MAX_TEXT).collect();
        let mut out = Self::default();
        for token in tokens(&text) {
            if let Some(id) = channel_ref(&token) {
                out.channel.get_or_insert(id);
            } else if let Some((key, value)) = token
                .split_once(':')
                .filter(|(k, v)| is_key(k) && !v.starts_with("//"))
            {
                out.options.push((key.to_lowercase(), value.to_string()));
            } else {
                out.words.push(token);
            }
        }
        out
    }

    /// The value of option `key`, if given.
    pub fn option(&self, key: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The options not in `known`, to refuse by name.
    pub fn unknown_options(&self, known: &[&str]) -> Vec<&str> {
        self.options
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| !known.contains(k))
            .collect()
    }
}

fn is_key(k: &str) -> bool {
    !k.is_empty() && k.len() <= 20 && k.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_')
}

/// Words split on spaces; `"..."` (after `key:` or alone) keeps its spaces.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' | '“' | '”' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// `<#C024BE91L|general>` or `<#C024BE91L>` as the channel id.
fn channel_ref(token: &str) -> Option<String> {
    let inner = token.strip_prefix("<#")?.strip_suffix('>')?;
    let id = inner.split('|').next()?;
    (!id.is_empty() && id.len() <= 12 && id.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| id.to_string())
}

/// What a user sees of an error: its message, as literal text (names in it were typed by
/// anyone), or a generic sentence for our own failures.
pub fn user_text(error: &Error) -> String {
    if !error.is_user_error() {
        tracing::error!(error = %error, "a Slack request failed");
    }
    escape_markdown(&error.user_message())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_options_and_channels_are_told_apart() {
        let t = Typed::parse(
            "subscribe <#C024BE91L|alerts> industry:Retail country:\"United States\" mode:weekly",
        );
        assert_eq!(t.words, ["subscribe"]);
        assert_eq!(t.channel.as_deref(), Some("C024BE91L"));
        assert_eq!(t.option("country"), Some("United States"));
        assert_eq!(t.option("mode"), Some("weekly"));
        assert!(
            t.unknown_options(&["industry", "country", "mode"])
                .is_empty()
        );
        let t = Typed::parse("  aws   90 https://x.example ");
        assert_eq!(t.words, ["aws", "90", "https://x.example"]);
        assert!(Typed::parse("").words.is_empty());
        assert_eq!(Typed::parse("<#C1|a> <#C2>").channel.as_deref(), Some("C1"));
        assert_eq!(Typed::parse(&"x ".repeat(10_000)).words.len(), MAX_TEXT / 2);
    }
}
