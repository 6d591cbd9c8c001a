//! Our error handler: the full error goes to the log with the command's name; the user gets
//! only what they can act on, ephemerally. poise's built-in one would show the whole chain.

use super::Data;
use super::reply::ephemeral;
use std::time::Instant;

use crate::error::Error;
use crate::render::{escape_markdown, limits::CHOICE_NAME_LENGTH, truncate};
use crate::telemetry::{self, Outcome};

/// What a user sees when something failed on our side.
pub const INTERNAL: &str =
    "Something went wrong on our side. It has been logged; please try again later.";

/// What a user sees of an error in Discord: its message, with the names it quotes (typed by
/// anyone) escaped.
pub fn user_text(error: &Error) -> String {
    match error {
        Error::UnknownCompany { name, suggestions } => Error::UnknownCompany {
            name: escape_markdown(name),
            suggestions: suggestions.iter().map(|s| escape_markdown(s)).collect(),
        }
        .user_message(),
        other => other.user_message(),
    }
}

/// Counts an answered command for `/metrics`: its name, outcome and time since it started.
pub async fn counted(ctx: super::Context<'_>, outcome: Outcome) {
    let started = ctx.invocation_data::<Instant>().await.map(|t| *t);
    let seconds = started.map_or(0.0, |t| t.elapsed().as_secs_f64());
    telemetry::command(&ctx.command().qualified_name, outcome, seconds);
}

pub async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            let outcome = if error.is_user_error() {
                Outcome::Refused
            } else {
                Outcome::Failed
            };
            counted(ctx, outcome).await;
            if error.is_user_error() {
                tracing::debug!(command = %ctx.command().qualified_name, error = %error, "refused");
            } else {
                tracing::error!(command = %ctx.command().qualified_name, error = %error, "command failed");
            }
            let _ = ctx.send(ephemeral(&user_text(&error))).await;
        }
        poise::FrameworkError::ArgumentParse {
            error, input, ctx, ..
        } => {
            tracing::debug!(command = %ctx.command().qualified_name, error = %error, "bad argument");
            let text = match input {
                Some(input) => format!(
                    "This option is not valid: {}",
                    truncate(&input, CHOICE_NAME_LENGTH)
                ),
                None => "One of the options is not valid.".to_string(),
            };
            let _ = ctx.send(ephemeral(&text)).await;
        }
        poise::FrameworkError::GuildOnly { ctx, .. } => {
            let _ = ctx
                .send(ephemeral("This command works in servers only."))
                .await;
        }
        poise::FrameworkError::Setup { error, .. } => {
            tracing::error!(error = %error, "start-up failed (command registration)");
        }
        other => {
            // Anything else that came from an interaction still gets an answer.
            tracing::error!(error = %other, "framework error");
            if let Some(ctx) = other.ctx() {
                let _ = ctx.send(ephemeral(INTERNAL)).await;
            }
        }
    }
}

/// The response to a button or form: its answer, or what went wrong, only to the user (and
/// logged: at debug when it was their mistake). Counted as `what` in the metrics.
pub fn answer_or_error(
    what: &'static str,
    custom_id: &str,
    started: Instant,
    answered: crate::error::Result<poise::serenity_prelude::CreateInteractionResponse>,
) -> poise::serenity_prelude::CreateInteractionResponse {
    let outcome = Outcome::of(&answered);
    telemetry::command(what, outcome, started.elapsed().as_secs_f64());
    answered.unwrap_or_else(|error| {
        if error.is_user_error() {
            tracing::debug!(%custom_id, error = %error, "{what} refused");
        } else {
            tracing::error!(%custom_id, error = %error, "{what} failed");
        }
        super::reply::ephemeral_response(&user_text(&error))
    })
}
