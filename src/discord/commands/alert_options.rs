//! Options of `/layoff-alerts subscribe` beyond one value: autocomplete for lists (the last
//! value after a comma is completed, those before it kept), time zones, and the fixed
//! choices (weekday, thread archive time).

use poise::serenity_prelude as serenity;

use super::company_choices;
use super::stats::facet_choices;
use crate::discord::Context;
use crate::discord::choices::{Choice, Choices};
use crate::domain::ThreadArchive;
use crate::domain::digest_time::zones_matching;
use crate::render::limits::{AUTOCOMPLETE_CHOICE_COUNT, CHOICE_NAME_LENGTH};
use crate::service::FacetKind;

/// `partial` split at its last comma: what is kept ("Amazon, ") and what is being typed.
fn split_last(partial: &str) -> (String, &str) {
    match partial.rfind(',') {
        Some(i) => (
            format!("{}, ", partial[..i].trim_end()),
            partial[i + 1..].trim(),
        ),
        None => (String::new(), partial.trim()),
    }
}

/// Choices completing the last value of a list: each is the kept values and one completion;
/// those that would not fit Discord's 100 characters are left out.
fn completed(
    kept: &str,
    choices: impl IntoIterator<Item = (String, String)>,
) -> serenity::CreateAutocompleteResponse {
    let choices = choices
        .into_iter()
        .map(|(label, value)| (format!("{kept}{label}"), format!("{kept}{value}")))
        .filter(|(label, value)| {
            label.chars().count() <= CHOICE_NAME_LENGTH
                && value.chars().count() <= CHOICE_NAME_LENGTH
        })
        .take(AUTOCOMPLETE_CHOICE_COUNT)
        .map(|(label, value)| serenity::AutocompleteChoice::new(label, value))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

pub(super) async fn autocomplete_companies(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let (kept, last) = split_last(partial);
    completed(&kept, company_choices(ctx, last).await)
}

async fn facet_list(
    ctx: Context<'_>,
    kind: FacetKind,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let (kept, last) = split_last(partial);
    let facets = facet_choices(ctx, kind, last).await;
    completed(&kept, facets.into_iter().map(|f| (f.clone(), f)))
}

pub(super) async fn autocomplete_industries(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    facet_list(ctx, FacetKind::Industry, partial).await
}

pub(super) async fn autocomplete_countries(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    facet_list(ctx, FacetKind::Country, partial).await
}

/// `exclude`: industries first (a handful match), then companies.
pub(super) async fn autocomplete_exclude(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let (kept, last) = split_last(partial);
    let industries = facet_choices(ctx, FacetKind::Industry, last).await;
    let mut choices: Vec<(String, String)> = industries
        .into_iter()
        .take(5)
        .map(|f| (format!("{f} (industry)"), f))
        .collect();
    choices.extend(company_choices(ctx, last).await);
    completed(&kept, choices)
}

pub(super) async fn autocomplete_timezone(
    _ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let zones = zones_matching(partial, AUTOCOMPLETE_CHOICE_COUNT);
    completed(
        "",
        zones.into_iter().map(|z| (z.to_string(), z.to_string())),
    )
}

/// `weekday`.
#[derive(Debug, Clone)]
pub struct Weekdays;

impl Choices for Weekdays {
    fn list() -> Vec<(&'static str, &'static str)> {
        vec![
            ("Monday", "monday"),
            ("Tuesday", "tuesday"),
            ("Wednesday", "wednesday"),
            ("Thursday", "thursday"),
            ("Friday", "friday"),
            ("Saturday", "saturday"),
            ("Sunday", "sunday"),
        ]
    }
}

/// `thread_archive`.
#[derive(Debug, Clone)]
pub struct Archives;

impl Choices for Archives {
    fn list() -> Vec<(&'static str, &'static str)> {
        ThreadArchive::ALL
            .iter()
            .map(|a| {
                let shown = match a {
                    ThreadArchive::Hour => "1 hour",
                    ThreadArchive::Day => "1 day (default)",
                    ThreadArchive::ThreeDays => "3 days",
                    ThreadArchive::Week => "1 week",
                };
                (shown, a.label())
            })
            .collect()
    }
}

pub type WeekdayOption = Choice<Weekdays>;
pub type ArchiveOption = Choice<Archives>;

#[cfg(test)]
mod tests {
    use super::split_last;

    #[test]
    fn the_last_value_after_a_comma_is_the_one_completed() {
        assert_eq!(split_last("ama"), (String::new(), "ama"));
        assert_eq!(split_last("Amazon,me"), ("Amazon, ".to_string(), "me"));
        assert_eq!(
            split_last("Amazon , Meta, "),
            ("Amazon , Meta, ".to_string(), "")
        );
    }
}
