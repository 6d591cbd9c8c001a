//! What `/layoffs-follow` says, the same on every platform.

use std::fmt::Write as _;

use super::escape_markdown;
use crate::domain::follow::FollowRow;

pub const PAUSED: &str = "I couldn't send you a direct message (your DMs are closed to me, or \
     I'm blocked), so your company follows are paused. Open your DMs to me, then run \
     `/layoffs-follow list` to resume them.";

pub fn followed(company: &str, again: bool, in_server: bool) -> String {
    let company = escape_markdown(company);
    let what = if in_server {
        "its new layoffs (including this community's own records)"
    } else {
        "its new layoffs"
    };
    let lead = if again {
        "You already follow"
    } else {
        "You now follow"
    };
    format!(
        "{lead} **{company}**: I'll send you {what} by direct message. \
         `/layoffs-follow remove` stops it."
    )
}

pub fn full(n: usize) -> String {
    format!(
        "You follow {n} companies, the most one person can. Remove one with \
         `/layoffs-follow remove` first."
    )
}

pub fn unfollowed(company: &str, was: bool) -> String {
    let company = escape_markdown(company);
    if was {
        format!("You no longer follow **{company}**; nothing more about it will be sent to you.")
    } else {
        format!("You don't follow **{company}**.")
    }
}

pub fn list(follows: &[FollowRow], resumed: bool, max: usize) -> String {
    let mut out = String::new();
    if resumed {
        out.push_str("Your follows are active again.\n");
    }
    if follows.is_empty() {
        out.push_str("You follow no company. `/layoffs-follow add` follows one.");
        return out;
    }
    let _ = writeln!(
        out,
        "You follow {} of at most {max} companies (active):",
        follows.len()
    );
    for f in follows {
        let _ = writeln!(out, "• {}", escape_markdown(&f.company));
    }
    out
}

pub fn cleared(n: usize) -> String {
    match n {
        0 => "You follow no company.".to_string(),
        1 => "You no longer follow the company you followed.".to_string(),
        n => format!("You no longer follow any of the {n} companies you followed."),
    }
}

pub fn forgotten(follows: u64) -> String {
    format!(
        "Done: I deleted your {follows} follow(s), every direct message queued or sent to you \
         and any pause, and your user id is no longer in the bot's store."
    )
}
