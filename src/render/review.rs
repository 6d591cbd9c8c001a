//! The review queue's post about a candidate: the headline, its link and feed, what the bot
//! read from it, the event it is probably the same as, and Add / Same as #N / Dismiss; once
//! settled, the same post saying who did what, without buttons.

use super::alerts::marker;
use super::{Button, ButtonId, ButtonStyle, View, escape_markdown, headcount_phrase};
use crate::domain::candidate::CandidateRow;
use crate::domain::{Headcount, Source};

/// An open candidate's review post, with its buttons.
pub fn review_view(c: &CandidateRow, marker_text: &str) -> View {
    let mut buttons = vec![button(
        ButtonId::ReviewAdd(c.id),
        "Add",
        ButtonStyle::Primary,
    )];
    if let Some(event) = c.near_event_id {
        let id = ButtonId::ReviewSame {
            candidate: c.id,
            event,
        };
        buttons.push(button(
            id,
            &format!("Same as #{event}"),
            ButtonStyle::Secondary,
        ));
    }
    buttons.push(button(
        ButtonId::ReviewDismiss(c.id),
        "Dismiss",
        ButtonStyle::Secondary,
    ));
    View {
        buttons,
        footer: format!("{marker_text} for the home moderators to review"),
        ..content(c)
    }
    .fit()
}

/// The post once settled: what was done and by whom, the buttons gone.
pub fn settled_view(c: &CandidateRow) -> View {
    let by = escape_markdown(&handled_by(c));
    let done = match (c.status.as_str(), c.event_id) {
        ("added", Some(e)) => format!("✅ **Added** as event `#{e}` by {by}."),
        ("same", Some(e)) => {
            format!("🔗 **Same layoff as** `#{e}`: its link was added as a source, by {by}.")
        }
        _ => format!("✖️ **Dismissed** by {by}."),
    };
    let mut view = content(c);
    view.description = format!("{done}\n\n{}", view.description);
    view.footer = format!("{} reviewed", marker("Candidate", &c.id.to_string()));
    view.fit()
}

/// Who settled it, as people know them.
pub fn handled_by(c: &CandidateRow) -> String {
    match (&c.handled_by_name, &c.handled_by) {
        (Some(name), _) => name.clone(),
        (None, Some(actor)) if actor.starts_with("cli:") => "the operator".to_string(),
        _ => "a moderator".to_string(),
    }
}

fn button(id: ButtonId, label: &str, style: ButtonStyle) -> Button {
    Button {
        id,
        label: label.to_string(),
        style,
        disabled: false,
    }
}

/// The headline, where it came from, and what was read from it.
fn content(c: &CandidateRow) -> View {
    let source = Source::from_stored(c.link.clone());
    let mut lines = vec![format!(
        "{} · from the feed **{}**, published {}",
        super::source_markdown(&source),
        escape_markdown(&c.source),
        c.published_at.format("%Y-%m-%d %H:%M UTC")
    )];
    if let Some(e) = c.near_event_id {
        lines.push(format!("Probably `#{e}`, already recorded."));
    }
    let company = c
        .company
        .as_deref()
        .map_or_else(|| "no company in the record".to_string(), escape_markdown);
    let mut fields = vec![("Company".to_string(), company)];
    fields.push(("People".to_string(), escape_markdown(&people(c))));
    if let Some(t) = &c.teams {
        fields.push(("Teams".to_string(), escape_markdown(t)));
    }
    if let Some(l) = &c.location {
        fields.push(("Location".to_string(), escape_markdown(l)));
    }
    View {
        title: format!("News to review: {}", escape_markdown(&c.title)),
        description: lines.join("\n"),
        fields,
        ..View::default()
    }
}

fn people(c: &CandidateRow) -> String {
    let count = match (
        c.headcount.and_then(|n| u32::try_from(n).ok()),
        &c.headcount_text,
    ) {
        (Some(n), _) => Some(headcount_phrase(&Headcount::Exact(n))),
        (None, Some(w)) => Some(w.clone()),
        (None, None) => None,
    };
    match (count, c.percentage) {
        (Some(n), Some(p)) => format!("{n} ({p}% of staff)"),
        (Some(n), None) => n,
        (None, Some(p)) => format!("{p}% of staff"),
        (None, None) => "not stated".to_string(),
    }
}
