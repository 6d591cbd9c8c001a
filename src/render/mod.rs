//! Pure rendering: domain data in, platform-neutral views out (title, description, fields,
//! footer in our markup, colour, buttons with typed ids, an optional image), cut to the
//! platforms' limits, and the sentences every front end answers with. Front ends turn a
//! [`View`] into their own wire format; nothing here does I/O but drawing a chart off the
//! runtime.

pub mod alerts;
pub mod chart;
pub mod follows;
pub mod ids;
pub mod limits;
pub mod markup;
pub mod replies;
pub mod review;
pub mod stats;
pub mod text;
pub mod topics;
pub mod views;

pub use ids::ButtonId;
pub use markup::{escape_markdown, source_markdown};
pub use stats::{no_stats_text, stats_text, stats_title, stats_view};
pub use text::{event_summary, headcount_phrase, listing_text, totals_phrase};
pub use views::{
    event_view, follow_view, footer_marker, listing_view, nearby_view, post_view, removed_view,
};

use limits::{
    EMBED_DESCRIPTION_LENGTH, EMBED_FIELD_COUNT, EMBED_FIELD_NAME_LENGTH, EMBED_FIELD_VALUE_LENGTH,
    EMBED_FOOTER_TEXT_LENGTH, EMBED_TITLE_LENGTH, EMBED_TOTAL_LENGTH,
};

/// Our colour: a muted red.
pub const COLOUR: u32 = 0x00C0_392B;

/// Who a message may notify. Views never ping unless a moderator opted a role in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Mentions {
    /// No one: the default, and the only choice for anything users typed.
    #[default]
    None,
    /// This one role, which a moderator opted in for a channel's alerts; nobody else.
    Role(u64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ButtonStyle {
    Primary,
    Secondary,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub id: ButtonId,
    pub label: String,
    pub style: ButtonStyle,
    pub disabled: bool,
}

/// A picture sent with the message and shown in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub filename: String,
    pub png: Vec<u8>,
}

/// A message as plain data, within Discord's limits once [`View::fit`] ran. Its title,
/// description, fields and footer are in our markup ([`markup`]): Discord shows it as it is,
/// other surfaces read it as spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub title: String,
    pub description: String,
    /// (name, value) pairs, shown one under another.
    pub fields: Vec<(String, String)>,
    pub footer: String,
    pub colour: u32,
    pub buttons: Vec<Button>,
    pub image: Option<Image>,
    pub mentions: Mentions,
    /// Posted as a forum post (Discord forum channels): its title and tags.
    pub forum: Option<ForumPost>,
}

/// What a forum post has besides its first message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForumPost {
    /// The post's title ([`topics`]).
    pub title: String,
    /// Names of tags to apply where the forum has them (the company's industry, country).
    pub tags: Vec<String>,
    /// Lock and archive it (its event was removed).
    pub close: bool,
}

impl Default for View {
    fn default() -> Self {
        Self {
            title: String::new(),
            description: String::new(),
            fields: Vec::new(),
            footer: String::new(),
            colour: COLOUR,
            buttons: Vec::new(),
            image: None,
            mentions: Mentions::None,
            forum: None,
        }
    }
}

/// `text` cut to at most `max` characters, ending in "…" when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

impl View {
    /// Characters that count towards Discord's 6,000 total.
    pub fn total_len(&self) -> usize {
        let len = |s: &String| s.chars().count();
        len(&self.title)
            + len(&self.description)
            + len(&self.footer)
            + self
                .fields
                .iter()
                .map(|(n, v)| len(n) + len(v))
                .sum::<usize>()
    }

    /// Cuts every part to its limit, then the longest field values until the whole fits.
    #[must_use]
    pub fn fit(mut self) -> Self {
        self.title = truncate(&self.title, EMBED_TITLE_LENGTH);
        self.description = truncate(&self.description, EMBED_DESCRIPTION_LENGTH);
        self.footer = truncate(&self.footer, EMBED_FOOTER_TEXT_LENGTH);
        self.fields.truncate(EMBED_FIELD_COUNT);
        for (name, value) in &mut self.fields {
            *name = truncate(name, EMBED_FIELD_NAME_LENGTH);
            *value = truncate(value, EMBED_FIELD_VALUE_LENGTH);
        }
        while self.total_len() > EMBED_TOTAL_LENGTH {
            self.shrink(self.total_len() - EMBED_TOTAL_LENGTH);
        }
        self
    }

    /// One step towards the total limit: cut the longest field value, else drop a field, else
    /// cut the description.
    fn shrink(&mut self, excess: usize) {
        let longest = self
            .fields
            .iter_mut()
            .map(|(_, v)| v)
            .max_by_key(|v| v.chars().count());
        match longest {
            Some(v) if v.chars().count() > 40 => {
                let keep = v.chars().count().saturating_sub(excess).max(40);
                *v = truncate(v, keep);
            }
            _ => {
                if self.fields.pop().is_none() {
                    let keep = self.description.chars().count().saturating_sub(excess);
                    self.description = truncate(&self.description, keep);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_are_cut_to_discords_limits() {
        let long = "x".repeat(5000);
        let view = View {
            title: long.clone(),
            description: long.clone(),
            fields: (0..30)
                .map(|i| (format!("{i}{long}"), long.clone()))
                .collect(),
            footer: long.clone(),
            ..View::default()
        }
        .fit();
        assert_eq!(view.title.chars().count(), EMBED_TITLE_LENGTH);
        assert!(view.description.chars().count() <= EMBED_DESCRIPTION_LENGTH);
        assert!(view.fields.len() <= EMBED_FIELD_COUNT);
        assert!(
            view.fields
                .iter()
                .all(|(n, v)| n.chars().count() <= EMBED_FIELD_NAME_LENGTH
                    && v.chars().count() <= EMBED_FIELD_VALUE_LENGTH)
        );
        assert!(
            view.total_len() <= EMBED_TOTAL_LENGTH,
            "{}",
            view.total_len()
        );
        assert!(view.title.ends_with('…'));
    }

    #[test]
    fn truncate_respects_the_limit_in_characters() {
        assert_eq!(truncate("hello", 5), "hello");
        assert_eq!(truncate("hello!", 5), "hell…");
        assert_eq!(truncate("ééééé", 3).chars().count(), 3);
        assert_eq!(truncate("abc", 0), "");
    }
}
