//! The sentences both chat front ends answer with: alert replies (subscribed, unsubscribed,
//! list, test result) and what a moderator's change came to. A channel is written `<#id>`,
//! which Discord and Slack both show as a link to the channel.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::alerts::{settings_summary, subscription_line};
use super::{View, escape_markdown, event_summary, event_view};
use crate::domain::{AlertSettings, ChannelRef, CompanyNames, LayoffEvent, Mode};

/// A channel as a link in chat.
pub fn channel_link(channel: &ChannelRef) -> String {
    format!("<#{}>", channel.id)
}

/// What a subscribe came to, as the reply needs it.
#[derive(Debug, Clone, Copy)]
pub struct SubscribeReply<'a> {
    pub channel: &'a ChannelRef,
    pub names: &'a CompanyNames,
    pub settings: &'a AlertSettings,
    /// None: the channel was not subscribed before; otherwise what changed.
    pub changed: Option<&'a [&'static str]>,
    /// It was disabled (a 403 or 404) and is back on.
    pub reenabled: bool,
}

/// The answer to a subscribe; `first_steps` ends the answer to a first subscription (what the
/// platform asks before a post can arrive).
pub fn subscribed(r: &SubscribeReply<'_>, first_steps: &str) -> String {
    let channel = channel_link(r.channel);
    let now = settings_summary(r.names, r.settings);
    match r.changed {
        None => format!(
            "Subscribed {channel}: {now}. {} Past events are not posted; {first_steps}",
            when(r.settings)
        ),
        Some(_) if r.reenabled => {
            format!("Subscribed {channel} again: its alerts are back on ({now}).")
        }
        Some([]) => {
            format!(
                "{channel} was already subscribed with these settings ({now}); nothing changed."
            )
        }
        Some(changed) => format!(
            "Updated {channel}: changed {}. Now: {now}.",
            changed.join(", ")
        ),
    }
}

fn when(s: &AlertSettings) -> String {
    let at = s.time.describe(s.mode);
    match (s.mode, at) {
        (Mode::Each, _) => "I'll post each matching event as it is added.".into(),
        (mode, Some(at)) => format!(
            "A {} goes out {at}, when there is something to report.",
            mode.describe()
        ),
        (Mode::Daily, None) => "A digest goes out daily at the digest hour (14:00 UTC unless the operator changed it), when there is something to report.".into(),
        (Mode::Weekly, None) => "A digest goes out on Mondays at the digest hour (14:00 UTC unless the operator changed it), when there is something to report.".into(),
    }
}

pub fn unsubscribed(channel: &ChannelRef, removed: bool) -> String {
    let channel = channel_link(channel);
    if removed {
        format!("Unsubscribed {channel}: no more posts there.")
    } else {
        format!("{channel} was not subscribed.")
    }
}

/// One subscription as `/layoff-alerts list` shows it.
#[derive(Debug, Clone, Copy)]
pub struct ListedSubscription<'a> {
    pub channel: &'a ChannelRef,
    pub names: &'a CompanyNames,
    pub settings: &'a AlertSettings,
    /// Why it is off, when it is.
    pub disabled: Option<Option<&'a str>>,
    pub last_post_at: Option<DateTime<Utc>>,
}

pub fn subscription_list(subs: &[ListedSubscription<'_>]) -> String {
    if subs.is_empty() {
        return "No channel here is subscribed. Use `/layoff-alerts subscribe` to add one.".into();
    }
    let mut text = String::from("Subscribed channels:\n");
    for s in subs {
        let line = subscription_line(s.names, s.settings, s.disabled, s.last_post_at);
        let _ = writeln!(text, "• {}: {line}", channel_link(s.channel));
    }
    text.trim_end().to_string()
}

/// How a test post went: Some(Ok) sent, Some(Err(why)) refused, None still under way.
pub fn test_result(channel: &ChannelRef, outcome: Option<Result<(), &str>>) -> String {
    let channel = channel_link(channel);
    match outcome {
        Some(Ok(())) => format!("Sent a test post to {channel}."),
        Some(Err(why)) => format!("I could not post in {channel}: {}", escape_markdown(why)),
        None => format!(
            "The test post to {channel} is queued and will go out shortly (the platform is slow \
             or rate limiting); `/layoff-alerts list` shows when it arrived."
        ),
    }
}

/// The event a moderator just added.
pub fn added_view(event: &LayoffEvent) -> View {
    event_view(&format!("Added event #{}", event.id), event)
}

/// The event a moderator just corrected.
pub fn updated_view(event: &LayoffEvent) -> View {
    event_view(&format!("Updated event #{}", event.id), event)
}

/// The event a moderator just removed, in one line.
pub fn removed_text(event: &LayoffEvent) -> String {
    let summary = escape_markdown(&event_summary(event, true));
    format!("Removed event #{}: {summary}.", event.id)
}

/// A held addition the moderator cancelled.
pub const CANCELLED: &str = "Cancelled: nothing was stored.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_name_the_channel_as_a_link_on_every_platform() {
        let d = ChannelRef::discord(42);
        let s = ChannelRef::slack("C0123");
        assert_eq!(
            unsubscribed(&d, true),
            "Unsubscribed <#42>: no more posts there."
        );
        assert_eq!(unsubscribed(&s, false), "<#C0123> was not subscribed.");
        assert_eq!(
            test_result(&s, Some(Err("Slack *not_in_channel*"))),
            "I could not post in <#C0123>: Slack \\*not\\_in\\_channel\\*"
        );
        assert!(subscription_list(&[]).starts_with("No channel here is subscribed."));
    }
}
