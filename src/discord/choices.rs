//! String options with fixed choices (`period`, `mode`, `source`): Discord shows the labels
//! and sends the value. Parsing is left to the command, so that a value we do not know (a
//! forged request) gets our own clear answer rather than a generic one.

use std::marker::PhantomData;

use poise::serenity_prelude as serenity;

use crate::domain::{WINDOWS, stats::StatsSource};

/// The (label, value) pairs of one option.
pub trait Choices: Send + Sync + 'static {
    fn list() -> Vec<(&'static str, &'static str)>;
}

/// The value chosen (or typed, or an index as poise's own choice parameters send).
#[derive(Debug, Clone)]
pub struct Choice<C>(pub String, PhantomData<C>);

#[poise::async_trait]
impl<C: Choices> poise::SlashArgument for Choice<C> {
    async fn extract(
        _: &serenity::Context,
        _: &serenity::CommandInteraction,
        value: &serenity::ResolvedValue<'_>,
    ) -> Result<Self, poise::SlashArgError> {
        let list = C::list();
        let value = match value {
            serenity::ResolvedValue::String(s) => (*s).to_string(),
            serenity::ResolvedValue::Integer(i) => usize::try_from(*i)
                .ok()
                .and_then(|i| list.get(i))
                .map_or_else(|| i.to_string(), |c| c.1.to_string()),
            _ => String::new(),
        };
        Ok(Self(value, PhantomData))
    }

    fn create(builder: serenity::CreateCommandOption) -> serenity::CreateCommandOption {
        C::list().into_iter().fold(
            builder.kind(serenity::CommandOptionType::String),
            |b, (label, value)| b.add_string_choice(label, value),
        )
    }
}

/// `/layoffs-stats period`.
#[derive(Debug, Clone)]
pub struct Periods;

impl Choices for Periods {
    fn list() -> Vec<(&'static str, &'static str)> {
        WINDOWS
            .iter()
            .map(|(label, value, _)| (*label, *value))
            .collect()
    }
}

/// `/layoff-alerts subscribe mode`.
#[derive(Debug, Clone)]
pub struct Modes;

impl Choices for Modes {
    fn list() -> Vec<(&'static str, &'static str)> {
        vec![
            ("each: a post per event", "each"),
            ("daily digest (14:00 UTC)", "daily"),
            ("weekly digest (Mondays 14:00 UTC)", "weekly"),
        ]
    }
}

/// `/layoffs-stats source`.
#[derive(Debug, Clone)]
pub struct Sources;

impl Choices for Sources {
    fn list() -> Vec<(&'static str, &'static str)> {
        StatsSource::CHOICES.to_vec()
    }
}
