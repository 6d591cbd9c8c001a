//! The views people see: a listing with its page buttons, one event, the post about a new
//! event in a subscribed channel, and the "is this the same layoff?" question.

use super::text::{filed, filing_phrase, filings_heading, more_sources_phrase};
use super::text::{headcount_phrase, listing_heading, range_phrase, recent_context, totals_phrase};
use super::{Button, ButtonId, ButtonStyle, View, escape_markdown, source_markdown};
use crate::domain::filing::FilingLine;
use crate::domain::{Days, LayoffEvent, Listing, Totals};

/// One event as a field: the facts in the name, the details in the value.
pub fn event_field(e: &LayoffEvent, with_company: bool) -> (String, String) {
    event_field_filed(e, with_company, None)
}

/// [`event_field`], marked "WARN filed" when a filing backs it.
pub fn event_field_filed(
    e: &LayoffEvent,
    with_company: bool,
    filing: Option<&FilingLine>,
) -> (String, String) {
    let mut name = e.date.to_string();
    if with_company {
        name.push_str(" · ");
        name.push_str(&escape_markdown(&e.company));
    }
    name.push_str(" · ");
    name.push_str(&escape_markdown(&headcount_phrase(&e.headcount)));
    let mut lines = Vec::new();
    if let Some(p) = e.percentage {
        lines.push(format!("**Share of staff:** {p}"));
    }
    if let Some(t) = &e.teams {
        lines.push(format!("**Teams:** {}", escape_markdown(t)));
    }
    if let Some(l) = &e.location {
        lines.push(format!("**Location:** {}", escape_markdown(l)));
    }
    if let Some(s) = &e.source {
        let more = more_sources_phrase(e.more_sources.len());
        lines.push(format!("**Source:** {}{more}", source_markdown(s)));
    }
    if let Some(n) = &e.notes {
        lines.push(format!("**Notes:** {}", escape_markdown(n)));
    }
    if let Some(f) = filing {
        name.push_str(" · WARN filed");
        lines.push(format!(
            "**WARN notice:** {} (a government filing)",
            escape_markdown(&filing_phrase(f))
        ));
    }
    lines.push(format!("`#{}`", e.id));
    (name, lines.join("\n"))
}

/// What `/layoffs` shows, with Previous / Next when there is more than one page.
pub fn listing_view(listing: &Listing, days: Option<Days>) -> View {
    let (heading, with_company) = listing_heading(listing);
    let (page, since) = match listing {
        Listing::Company { page, since, .. } | Listing::Latest { page, since } => (page, since),
    };
    let title = if with_company {
        heading
    } else {
        format!("{} layoffs", escape_markdown(&heading))
    };
    let mut description = totals_phrase(&page.totals);
    description.push_str(&range_phrase(*since));
    if let Some(only) = filings_only(listing) {
        description = only;
    } else if page.events.is_empty() {
        description.push_str(if page.totals.events == 0 {
            "\n\nNo layoffs recorded in this range."
        } else {
            "\n\nThis page is past the end."
        });
    }
    View {
        title,
        description,
        fields: listing_fields(listing, with_company),
        footer: format!(
            "Page {} of {}",
            u64::from(page.page.number) + 1,
            page.page_count()
        ),
        buttons: page_buttons(listing, days),
        ..View::default()
    }
    .fit()
}

/// For a company with WARN notices and no reported layoffs (in the range), what it is known
/// from, instead of "0 layoffs".
fn filings_only(listing: &Listing) -> Option<String> {
    match listing {
        Listing::Company {
            page,
            since,
            filings,
            ..
        } if page.totals.events == 0 && filings.count > 0 => Some(format!(
            "No reported layoffs{}: known from WARN notices (government filings) only.",
            range_phrase(*since)
        )),
        _ => None,
    }
}

/// The page's events, then (for one company) its WARN notices apart.
fn listing_fields(listing: &Listing, with_company: bool) -> Vec<(String, String)> {
    let page = listing.page();
    let mut fields: Vec<(String, String)> = page
        .events
        .iter()
        .map(|e| event_field_filed(e, with_company, filed(page, e.id)))
        .collect();
    if let Listing::Company { filings, .. } = listing
        && filings.count > 0
    {
        let (name, counts) = filings_heading(filings);
        let mut value = vec![counts];
        value.extend(
            filings
                .latest
                .iter()
                .map(|f| escape_markdown(&filing_phrase(f))),
        );
        fields.push((name, value.join("\n")));
    }
    fields
}

fn page_buttons(listing: &Listing, days: Option<Days>) -> Vec<Button> {
    let page = listing.page();
    let count = page.page_count();
    if count <= 1 {
        return Vec::new();
    }
    let current = page.page.number;
    let to = |page: u32| ButtonId::Page {
        company: listing.company_id(),
        days: days.map(Days::get),
        page,
    };
    let next = current.saturating_add(1);
    vec![
        Button {
            id: to(current.saturating_sub(1)),
            label: "Previous".into(),
            style: ButtonStyle::Secondary,
            disabled: current == 0,
        },
        Button {
            id: to(next),
            label: "Next".into(),
            style: ButtonStyle::Secondary,
            disabled: next >= count,
        },
    ]
}

/// One event on its own, for moderators' confirmations.
pub fn event_view(title: &str, e: &LayoffEvent) -> View {
    View {
        title: title.to_string(),
        fields: vec![event_field(e, true)],
        footer: added_footer(e),
        ..View::default()
    }
    .fit()
}

fn added_footer(e: &LayoffEvent) -> String {
    format!(
        "{} added {}",
        footer_marker(e.id),
        e.added_at.format("%Y-%m-%d %H:%M UTC")
    )
}

/// How the footer of every message about an event starts: how the delivery worker finds a
/// post of its own in a channel's history.
pub fn footer_marker(event_id: i64) -> String {
    format!("Event #{event_id} ·")
}

/// A follower's DM about a new event: the post, its footer naming the follow and how to stop.
pub fn follow_view(e: &LayoffEvent, recent: &Totals) -> View {
    let mut view = post_view(e, recent);
    view.footer = format!(
        "{} You follow {} · /layoffs-follow remove",
        footer_marker(e.id),
        e.company
    );
    view.fit()
}

/// A follower's DM that also carries the other events of the same burst (an import that
/// announced many at once): one DM, "and N more", not one each.
pub fn with_burst(mut view: View, others: &[LayoffEvent]) -> View {
    const LISTED: usize = 10;
    if others.is_empty() {
        return view;
    }
    let mut lines: Vec<String> = others
        .iter()
        .take(LISTED)
        .map(|e| {
            format!(
                "{} · {} `#{}`",
                e.date,
                escape_markdown(&headcount_phrase(&e.headcount)),
                e.id
            )
        })
        .collect();
    if others.len() > LISTED {
        lines.push(format!("…and {} more", others.len() - LISTED));
    }
    view.title = format!("{} (and {} more)", view.title, others.len());
    view.fields
        .push((format!("And {} more", others.len()), lines.join("\n")));
    view.fit()
}

/// The question shown when the company has an event close to the new one, with Add anyway
/// and Cancel.
pub fn nearby_view(nearby: &[LayoffEvent], pending_id: i64) -> View {
    View {
        title: "This company already has an event close to that date".to_string(),
        description: "Is this the same layoff? Nothing is stored until you choose Add anyway."
            .to_string(),
        fields: nearby.iter().map(|e| event_field(e, true)).collect(),
        buttons: vec![
            Button {
                id: ButtonId::AddAnyway(pending_id),
                label: "Add anyway".into(),
                style: ButtonStyle::Primary,
                disabled: false,
            },
            Button {
                id: ButtonId::Cancel(pending_id),
                label: "Cancel".into(),
                style: ButtonStyle::Secondary,
                disabled: false,
            },
        ],
        ..View::default()
    }
    .fit()
}

/// What a post about an event says once the event was removed: nothing of its facts.
pub fn removed_view(event_id: i64) -> View {
    View {
        title: "Layoff removed".to_string(),
        description: "The moderators removed this event from the record.".to_string(),
        footer: format!("Event #{event_id}"),
        ..View::default()
    }
}

/// The post about a new event in a subscribed channel.
pub fn post_view(e: &LayoffEvent, recent: &Totals) -> View {
    let company = escape_markdown(&e.company);
    let mut title = format!("New layoff: {company}");
    if let Some(teams) = &e.teams {
        title = format!("{title} ({})", escape_markdown(teams));
    }
    let people = escape_markdown(&headcount_phrase(&e.headcount));
    let mut fields = vec![("People".to_string(), people)];
    if let Some(p) = e.percentage {
        fields.push(("Share of staff".to_string(), p.to_string()));
    }
    let details = [
        ("Teams", e.teams.as_deref().map(escape_markdown)),
        ("Location", e.location.as_deref().map(escape_markdown)),
        (
            "Source",
            e.source.as_ref().map(|s| {
                format!(
                    "{}{}",
                    source_markdown(s),
                    more_sources_phrase(e.more_sources.len())
                )
            }),
        ),
        ("Notes", e.notes.as_deref().map(escape_markdown)),
    ];
    fields.extend(
        details
            .into_iter()
            .filter_map(|(name, value)| Some((name.to_string(), value?))),
    );
    View {
        title,
        description: format!("Announced {}. {}", e.date, recent_context(&company, recent)),
        fields,
        footer: added_footer(e),
        ..View::default()
    }
    .fit()
}

#[cfg(test)]
mod tests {
    use super::super::limits::{EMBED_FIELD_VALUE_LENGTH, EMBED_TOTAL_LENGTH};
    use super::*;
    use crate::domain::{Headcount, Totals};

    fn sample_event(headcount: Headcount, notes: Option<String>) -> LayoffEvent {
        LayoffEvent {
            id: 7,
            company_id: 1,
            company: "Amazon".into(),
            date: chrono::NaiveDate::from_ymd_opt(2024, 4, 3).unwrap(),
            headcount,
            percentage: None,
            teams: Some("AWS sales".into()),
            location: Some("Seattle".into()),
            source: crate::domain::Source::parse("Wall Street Journal").unwrap(),
            more_sources: Vec::new(),
            notes,
            scope: crate::domain::EventScope::Global,
            added_by: crate::domain::Actor::discord(1),
            added_at: chrono::DateTime::from_timestamp(1_764_158_400, 0).unwrap(),
            updated_at: None,
        }
    }

    #[test]
    fn posts_show_exact_approximate_and_unknown_counts() {
        let recent = Totals {
            events: 1,
            people: 0,
            unknown: 1,
        };
        for (h, shown) in [
            (Headcount::Exact(1800), "1,800 people"),
            (Headcount::Approx("hundreds".into()), "hundreds"),
            (Headcount::Unknown, "number not disclosed"),
        ] {
            let view = post_view(&sample_event(h, None), &recent);
            assert_eq!(view.title, "New layoff: Amazon (AWS sales)");
            assert_eq!(view.fields[0], ("People".to_string(), shown.to_string()));
            assert!(
                view.footer.starts_with("Event #7 · added 2025-11-26"),
                "{}",
                view.footer
            );
        }
    }

    #[test]
    fn long_post_text_is_cut_to_the_limits() {
        let view = post_view(
            &sample_event(Headcount::Exact(5), Some("n".repeat(5000))),
            &Totals::default(),
        );
        let notes = &view.fields.last().unwrap().1;
        assert_eq!(notes.chars().count(), EMBED_FIELD_VALUE_LENGTH);
        assert!(notes.ends_with('…'));
        assert!(view.total_len() <= EMBED_TOTAL_LENGTH);
    }

    #[test]
    fn hostile_names_and_wording_render_as_typed_everywhere() {
        let mut e = sample_event(
            Headcount::Approx("# <@&1> [x](https://phish.example)".into()),
            None,
        );
        e.company = "# [Google](https://phish.example/login) \u{202e}".into();
        e.teams = Some("-# <t:1:R>".into());
        let post = post_view(&e, &Totals::default());
        let field = event_field(&e, true);
        let texts = [
            post.title.as_str(),
            post.description.as_str(),
            post.fields[0].1.as_str(),
            field.0.as_str(),
        ];
        for text in texts {
            for raw in ["](https://", "<@&1>", "<t:1:R>", "\u{202e}"] {
                assert!(!text.contains(raw), "{raw:?} in {text:?}");
            }
            assert!(!text.starts_with('#') && !text.contains("\n#"), "{text:?}");
        }
        assert!(post.title.contains("\\[Google\\]"), "{}", post.title);
    }

    #[test]
    fn the_last_possible_page_renders_without_overflow() {
        use crate::domain::{EventPage, Listing, Page};
        let listing = Listing::Latest {
            page: EventPage {
                events: Vec::new(),
                page: Page {
                    number: u32::MAX,
                    size: 10,
                },
                totals: Totals {
                    events: 25,
                    people: 0,
                    unknown: 25,
                },
                filed: Vec::new(),
            },
            since: None,
        };
        let view = listing_view(&listing, None);
        assert_eq!(view.footer, "Page 4294967296 of 3");
        let next = &view.buttons[1];
        assert!(next.disabled);
        assert_eq!(
            next.id,
            ButtonId::Page {
                company: None,
                days: None,
                page: u32::MAX
            }
        );
    }
}
