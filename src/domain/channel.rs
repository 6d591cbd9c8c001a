//! Where posts go: a channel of one platform by that platform's own id, as text
//! ("80351110224678912" on Discord, "C024BE91L" on Slack), and the thread in it, if any.

use std::fmt;

use super::Platform;

/// A channel (or a thread in one) that receives posts. The core keeps and routes it; only
/// the platform's own folder reads what its id means.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChannelRef {
    pub platform: Platform,
    /// The platform's id of the channel.
    pub id: String,
    /// A thread or forum post inside it; None for the channel itself.
    pub thread: Option<String>,
}

impl ChannelRef {
    pub fn new(platform: Platform, id: impl Into<String>) -> Self {
        Self {
            platform,
            id: id.into(),
            thread: None,
        }
    }

    pub fn discord(channel_id: u64) -> Self {
        Self::new(Platform::Discord, channel_id.to_string())
    }

    pub fn slack(channel_id: impl Into<String>) -> Self {
        Self::new(Platform::Slack, channel_id)
    }

    /// As the store keeps it: the thread column holds '' for the channel itself.
    pub fn from_stored(platform: Platform, id: String, thread: String) -> Self {
        Self {
            platform,
            id,
            thread: Some(thread).filter(|t| !t.is_empty()),
        }
    }

    /// The thread as stored ('' for none).
    pub fn stored_thread(&self) -> &str {
        self.thread.as_deref().unwrap_or("")
    }

    /// Discord's channel id as a number; None for another platform's channel.
    pub fn discord_id(&self) -> Option<u64> {
        match self.platform {
            Platform::Discord => self.id.parse().ok(),
            Platform::Slack => None,
        }
    }
}

/// The platform's own id, as operators see it in its client (and the thread after a slash).
impl fmt::Display for ChannelRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.thread {
            Some(thread) => write!(f, "{}/{thread}", self.id),
            None => f.write_str(&self.id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_channel_reads_back_as_stored_and_says_which_platform() {
        let c = ChannelRef::discord(80_351_110_224_678_912);
        assert_eq!(c.id, "80351110224678912");
        assert_eq!(c.discord_id(), Some(80_351_110_224_678_912));
        assert_eq!(c.to_string(), "80351110224678912");
        let s = ChannelRef::from_stored(Platform::Slack, "C024BE91L".into(), String::new());
        assert_eq!(s, ChannelRef::slack("C024BE91L"));
        assert_eq!(s.discord_id(), None);
        let t = ChannelRef::from_stored(Platform::Slack, "C1".into(), "1.000002".into());
        assert_eq!(t.stored_thread(), "1.000002");
        assert_eq!(t.to_string(), "C1/1.000002");
    }
}
