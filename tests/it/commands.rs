//! The command tree, offline: every command and option described, names and lengths within
//! Discord's limits, moderator commands gated for the UI and to servers.

use layoffs_bot::discord::commands;
use poise::serenity_prelude::Permissions;

fn valid_name(name: &str) -> bool {
    (1..=32).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn check(command: &poise::Command<layoffs_bot::discord::Data, layoffs_bot::Error>, path: &str) {
    let path = format!("{path}/{}", command.name);
    assert!(valid_name(&command.name), "{path}: bad name");
    let description = command.description.as_deref().unwrap_or_default();
    assert!(
        (1..=100).contains(&description.chars().count()),
        "{path}: description {description:?}"
    );
    assert!(command.parameters.len() <= 25, "{path}: too many options");
    for p in &command.parameters {
        assert!(valid_name(&p.name), "{path} {}: bad option name", p.name);
        let d = p.description.as_deref().unwrap_or_default();
        assert!(
            (1..=100).contains(&d.chars().count()),
            "{path} {}: description {d:?}",
            p.name
        );
    }
    for sub in &command.subcommands {
        check(sub, &path);
    }
}

#[test]
fn every_command_and_option_is_described_and_within_discords_limits() {
    let all = commands::all();
    let names: Vec<&str> = all.iter().map(|c| c.name.as_ref()).collect();
    assert_eq!(
        names,
        [
            "layoffs",
            "layoffs-stats",
            "layoff",
            "layoff-alerts",
            "layoff-review",
            "layoffs-follow"
        ]
    );
    for command in &all {
        check(command, "");
        assert!(
            command.create_as_slash_command().is_some(),
            "{} is a slash command",
            command.name
        );
    }
}

#[test]
fn moderator_commands_are_gated_and_the_public_ones_are_not() {
    for command in commands::all() {
        if ["layoffs", "layoffs-stats", "layoffs-follow"].contains(&command.name.as_ref()) {
            assert!(command.default_member_permissions.is_empty());
            assert!(!command.guild_only, "/{} works in DMs too", command.name);
        } else {
            assert_eq!(
                command.default_member_permissions,
                Permissions::MANAGE_GUILD,
                "{}",
                command.name
            );
            assert!(command.guild_only, "{}", command.name);
            for sub in &command.subcommands {
                assert_eq!(
                    sub.default_member_permissions,
                    Permissions::MANAGE_GUILD,
                    "{}",
                    sub.name
                );
            }
        }
    }
}

#[test]
fn the_days_bound_discord_enforces_is_the_one_the_core_checks() {
    let layoffs = commands::all()
        .into_iter()
        .find(|c| c.name == "layoffs")
        .expect("/layoffs");
    let registered = serde_json::to_value(layoffs.create_as_slash_command().unwrap()).unwrap();
    let days = registered["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "days")
        .expect("a days option");
    // serenity sends the bounds as JSON floats.
    assert_eq!(days["min_value"].as_f64(), Some(1.0));
    assert_eq!(
        days["max_value"].as_f64(),
        Some(f64::from(layoffs_bot::domain::Days::MAX))
    );
}
