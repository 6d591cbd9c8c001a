//! The platform seam of delivery: `ChannelPoster` posts one view in a channel and says how it
//! went, with what a retry needs (429's Retry-After, global or per route). Each platform's
//! poster lives in its own folder; `app` routes between them by the channel's platform.

use std::future::Future;
use std::time::Duration;

use crate::domain::ChannelRef;
use crate::render::View;

/// How one post went.
#[derive(Debug, Clone, PartialEq)]
pub enum PostOutcome {
    /// Posted; the platform's id of the message (a snowflake, Slack's timestamp).
    Sent { message: String },
    /// 429: wait this long; `global` stops every post, otherwise only this channel's.
    RateLimited { retry_after: Duration, global: bool },
    /// 403 or 404: the channel is gone or closed to us; the subscription is disabled.
    Unreachable { status: u16, reason: String },
    /// 401: the platform rejected the bot's token (reset, or revoked). Nothing can be posted
    /// until an operator fixes it; no post is given up for it.
    Unauthorized,
    /// Another 4xx: this message will never be accepted.
    Rejected(String),
    /// 5xx, a timeout or a connection error: worth another try.
    Failed(String),
}

impl PostOutcome {
    pub fn sent(message: impl Into<String>) -> Self {
        Self::Sent {
            message: message.into(),
        }
    }
}

pub trait ChannelPoster: Send + Sync + 'static {
    /// Posts a new message in the channel; `nonce` makes a retry of the same delivery a no-op.
    fn post(
        &self,
        channel: &ChannelRef,
        view: &View,
        nonce: &str,
    ) -> impl Future<Output = PostOutcome> + Send;

    /// Replaces a message's content (after the event was corrected).
    fn edit(
        &self,
        channel: &ChannelRef,
        message: &str,
        view: &View,
    ) -> impl Future<Output = PostOutcome> + Send;

    /// Publishes a message of an announcement channel to the channels following it.
    fn crosspost(
        &self,
        channel: &ChannelRef,
        message: &str,
    ) -> impl Future<Output = PostOutcome> + Send;

    /// A message of the bot's own among the channel's recent ones that an earlier attempt of
    /// this delivery posted: its footer starts with `marker` (Discord), or its metadata holds
    /// `nonce` (Slack). An error is how the lookup failed.
    fn find_post(
        &self,
        channel: &ChannelRef,
        marker: &str,
        nonce: &str,
    ) -> impl Future<Output = Result<Option<String>, PostOutcome>> + Send;

    /// Renames the thread `thread` (opened under a post), or locks and archives it when
    /// `name` is None (its event was removed). Discord only.
    fn update_thread(
        &self,
        channel: &ChannelRef,
        thread: &str,
        name: Option<&str>,
    ) -> impl Future<Output = PostOutcome> + Send {
        let _ = (thread, name);
        let refused = PostOutcome::Rejected(format!("{channel}: this platform has no threads"));
        async move { refused }
    }

    /// A forum post of the bot's own titled `title` among the forum's active posts whose
    /// first message's footer starts with `marker`: what an earlier attempt posted (forum
    /// posts take no nonce). An error is how the lookup failed.
    fn find_forum_post(
        &self,
        forum: &ChannelRef,
        title: &str,
        marker: &str,
    ) -> impl Future<Output = Result<Option<String>, PostOutcome>> + Send {
        let _ = (forum, title, marker);
        async { Ok(None) }
    }

    /// The DM channel with a person (`person.id` is '@' and their user id), opened if new.
    /// A refusal (DMs closed, the bot blocked, no such user) is `Unreachable`.
    fn open_dm(
        &self,
        person: &ChannelRef,
    ) -> impl Future<Output = Result<ChannelRef, PostOutcome>> + Send {
        let refused = PostOutcome::Rejected(format!("{person}: this poster sends no DMs"));
        async move { Err(refused) }
    }

    /// Opens a public thread named `name` under a sent message, archived after
    /// `archive_minutes` without activity (Discord; other platforms have no such thing).
    fn open_thread(
        &self,
        channel: &ChannelRef,
        message: &str,
        name: &str,
        archive_minutes: u32,
    ) -> impl Future<Output = PostOutcome> + Send {
        let _ = (message, name, archive_minutes);
        let refused = PostOutcome::Rejected(format!("{channel}: this platform has no threads"));
        async move { refused }
    }

    /// Whether the platform drops a post whose nonce it saw in the last minute (Discord
    /// does); where it does not (Slack), every retry looks for its post first.
    fn dedupes_nonces(&self, channel: &ChannelRef) -> bool {
        let _ = channel;
        true
    }
}
