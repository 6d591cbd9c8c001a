//! One poster for every platform: a delivery goes to Discord's or Slack's by its channel
//! number (Slack's have the top bit set, see `domain::slack`). It lives with the wiring, the
//! one place that lists platforms; `notify` knows only the `ChannelPoster` seam.

use crate::domain::slack::is_slack_channel;
use crate::notify::{ChannelPoster, HttpPoster, PostOutcome};
use crate::render::View;
use crate::slack::SlackPoster;

/// The posters of the platforms this process runs.
#[derive(Debug, Clone, Default)]
pub struct Posters {
    pub discord: Option<HttpPoster>,
    pub slack: Option<SlackPoster>,
}

fn off(platform: &str) -> PostOutcome {
    PostOutcome::Failed(format!("{platform} is not configured in this process"))
}

impl ChannelPoster for Posters {
    async fn post(&self, channel_id: u64, view: &View, nonce: &str) -> PostOutcome {
        match (&self.discord, &self.slack, is_slack_channel(channel_id)) {
            (_, Some(s), true) => s.post(channel_id, view, nonce).await,
            (Some(d), _, false) => d.post(channel_id, view, nonce).await,
            (_, _, slack) => off(if slack { "Slack" } else { "Discord" }),
        }
    }

    async fn edit(&self, channel_id: u64, message_id: u64, view: &View) -> PostOutcome {
        match (&self.discord, &self.slack, is_slack_channel(channel_id)) {
            (_, Some(s), true) => s.edit(channel_id, message_id, view).await,
            (Some(d), _, false) => d.edit(channel_id, message_id, view).await,
            (_, _, slack) => off(if slack { "Slack" } else { "Discord" }),
        }
    }

    async fn crosspost(&self, channel_id: u64, message_id: u64) -> PostOutcome {
        match (&self.discord, is_slack_channel(channel_id)) {
            (Some(d), false) => d.crosspost(channel_id, message_id).await,
            _ => PostOutcome::Rejected("crossposts are Discord's".into()),
        }
    }

    async fn find_post(
        &self,
        channel_id: u64,
        marker: &str,
        nonce: &str,
    ) -> Result<Option<u64>, PostOutcome> {
        match (&self.discord, &self.slack, is_slack_channel(channel_id)) {
            (_, Some(s), true) => s.find_post(channel_id, marker, nonce).await,
            (Some(d), _, false) => d.find_post(channel_id, marker, nonce).await,
            (_, _, slack) => Err(off(if slack { "Slack" } else { "Discord" })),
        }
    }

    fn dedupes_nonces(&self, channel_id: u64) -> bool {
        !is_slack_channel(channel_id)
    }
}
