//! One poster for every platform: a delivery goes to the poster of its channel's platform.
//! It lives with the wiring, the one place that lists platforms; `notify` knows only the
//! `ChannelPoster` seam.

use crate::discord::DiscordPoster;
use crate::domain::{ChannelRef, Platform};
use crate::notify::{ChannelPoster, PostOutcome};
use crate::render::View;
use crate::slack::SlackPoster;

/// The posters of the platforms this process runs.
#[derive(Debug, Clone, Default)]
pub struct Posters {
    pub discord: Option<DiscordPoster>,
    pub slack: Option<SlackPoster>,
}

/// The poster of a channel's platform, if this process runs it.
enum Route<'a> {
    Discord(&'a DiscordPoster),
    Slack(&'a SlackPoster),
    Off(Platform),
}

impl Posters {
    fn route(&self, channel: &ChannelRef) -> Route<'_> {
        match (channel.platform, &self.discord, &self.slack) {
            (Platform::Discord, Some(d), _) => Route::Discord(d),
            (Platform::Slack, _, Some(s)) => Route::Slack(s),
            (platform, _, _) => Route::Off(platform),
        }
    }
}

fn off(platform: Platform) -> PostOutcome {
    let name = match platform {
        Platform::Discord => "Discord",
        Platform::Slack => "Slack",
    };
    PostOutcome::Failed(format!("{name} is not configured in this process"))
}

impl ChannelPoster for Posters {
    async fn post(&self, channel: &ChannelRef, view: &View, nonce: &str) -> PostOutcome {
        match self.route(channel) {
            Route::Discord(d) => d.post(channel, view, nonce).await,
            Route::Slack(s) => s.post(channel, view, nonce).await,
            Route::Off(p) => off(p),
        }
    }

    async fn edit(&self, channel: &ChannelRef, message: &str, view: &View) -> PostOutcome {
        match self.route(channel) {
            Route::Discord(d) => d.edit(channel, message, view).await,
            Route::Slack(s) => s.edit(channel, message, view).await,
            Route::Off(p) => off(p),
        }
    }

    async fn crosspost(&self, channel: &ChannelRef, message: &str) -> PostOutcome {
        match self.route(channel) {
            Route::Discord(d) => d.crosspost(channel, message).await,
            Route::Slack(s) => s.crosspost(channel, message).await,
            Route::Off(p) => off(p),
        }
    }

    async fn find_post(
        &self,
        channel: &ChannelRef,
        marker: &str,
        nonce: &str,
    ) -> Result<Option<String>, PostOutcome> {
        match self.route(channel) {
            Route::Discord(d) => d.find_post(channel, marker, nonce).await,
            Route::Slack(s) => s.find_post(channel, marker, nonce).await,
            Route::Off(p) => Err(off(p)),
        }
    }

    async fn open_thread(
        &self,
        channel: &ChannelRef,
        message: &str,
        name: &str,
        archive_minutes: u32,
    ) -> PostOutcome {
        match self.route(channel) {
            Route::Discord(d) => d.open_thread(channel, message, name, archive_minutes).await,
            Route::Slack(s) => s.open_thread(channel, message, name, archive_minutes).await,
            Route::Off(p) => off(p),
        }
    }

    async fn update_thread(
        &self,
        channel: &ChannelRef,
        thread: &str,
        name: Option<&str>,
    ) -> PostOutcome {
        match self.route(channel) {
            Route::Discord(d) => d.update_thread(channel, thread, name).await,
            Route::Slack(s) => s.update_thread(channel, thread, name).await,
            Route::Off(p) => off(p),
        }
    }

    async fn find_forum_post(
        &self,
        forum: &ChannelRef,
        title: &str,
        marker: &str,
    ) -> Result<Option<String>, PostOutcome> {
        match self.route(forum) {
            Route::Discord(d) => d.find_forum_post(forum, title, marker).await,
            Route::Slack(s) => s.find_forum_post(forum, title, marker).await,
            Route::Off(p) => Err(off(p)),
        }
    }

    async fn open_dm(&self, person: &ChannelRef) -> Result<ChannelRef, PostOutcome> {
        match self.route(person) {
            Route::Discord(d) => d.open_dm(person).await,
            Route::Slack(s) => s.open_dm(person).await,
            Route::Off(p) => Err(off(p)),
        }
    }

    fn dedupes_nonces(&self, channel: &ChannelRef) -> bool {
        match self.route(channel) {
            Route::Discord(d) => d.dedupes_nonces(channel),
            Route::Slack(s) => s.dedupes_nonces(channel),
            Route::Off(_) => true,
        }
    }
}
