//! `/layoffs-follow add|remove|list|clear|forget-me`: anyone follows companies for themselves
//! and gets their new layoffs by DM; in a server or in a DM with the bot. Always ephemeral.

use poise::serenity_prelude as serenity;

use super::autocomplete_company;
use crate::discord::reply::ephemeral;
use crate::discord::{Context, tenant};
use crate::domain::follow::Person;
use crate::domain::{Platform, Viewer};
use crate::error::Error;
use crate::render::limits::{AUTOCOMPLETE_CHOICE_COUNT, CHOICE_NAME_LENGTH};
use crate::render::truncate;
use crate::service::follows;

/// Follow companies yourself: their new layoffs by direct message
#[poise::command(
    slash_command,
    rename = "layoffs-follow",
    subcommands("add", "remove", "list", "clear", "forget_me"),
    subcommand_required
)]
#[allow(clippy::unused_async)] // poise needs an async body for the parent
pub async fn layoffs_follow(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// The person behind a command.
pub fn person(ctx: Context<'_>) -> Person {
    Person::new(Platform::Discord, ctx.author().id.get().to_string())
}

fn viewer(ctx: Context<'_>) -> Viewer {
    Viewer {
        tenant: ctx.guild_id().map(tenant),
    }
}

async fn say(ctx: Context<'_>, text: &str) -> Result<(), Error> {
    ctx.send(ephemeral(text)).await?;
    Ok(())
}

/// Get a company's new layoffs by direct message
#[poise::command(slash_command)]
async fn add(
    ctx: Context<'_>,
    #[description = "Company name or alias"]
    #[autocomplete = "autocomplete_company"]
    company: String,
) -> Result<(), Error> {
    let store = &ctx.data().store;
    let text = follows::follow(store, &person(ctx), &company, &viewer(ctx)).await?;
    say(ctx, &text).await
}

/// The companies this person follows, for `remove`.
async fn autocomplete_followed(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let names = follows::followed_matching(&ctx.data().store, &person(ctx), partial).await;
    let choices = names
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "follow autocomplete failed");
            Vec::new()
        })
        .into_iter()
        .take(AUTOCOMPLETE_CHOICE_COUNT)
        .map(|name| {
            let name = truncate(&name, CHOICE_NAME_LENGTH);
            serenity::AutocompleteChoice::new(name.clone(), name)
        })
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Stop following a company
#[poise::command(slash_command)]
async fn remove(
    ctx: Context<'_>,
    #[description = "A company you follow"]
    #[autocomplete = "autocomplete_followed"]
    company: String,
) -> Result<(), Error> {
    let store = &ctx.data().store;
    let text = follows::unfollow(store, &person(ctx), &company, &viewer(ctx)).await?;
    say(ctx, &text).await
}

/// The companies you follow (resumes them if they were paused)
#[poise::command(slash_command)]
async fn list(ctx: Context<'_>) -> Result<(), Error> {
    let text = follows::list(&ctx.data().store, &person(ctx)).await?;
    say(ctx, &text).await
}

/// Stop following every company
#[poise::command(slash_command)]
async fn clear(ctx: Context<'_>) -> Result<(), Error> {
    let text = follows::clear(&ctx.data().store, &person(ctx)).await?;
    say(ctx, &text).await
}

/// Delete everything the bot keeps about you: follows and direct messages
#[poise::command(slash_command, rename = "forget-me")]
async fn forget_me(ctx: Context<'_>) -> Result<(), Error> {
    let text = follows::forget_me(&ctx.data().store, &person(ctx)).await?;
    say(ctx, &text).await
}
