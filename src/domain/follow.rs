//! A person following a company: who they are on their platform, and their follows.

use super::Platform;

/// A person as the platform names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub platform: Platform,
    pub user_id: String,
}

impl Person {
    pub fn new(platform: Platform, user_id: impl Into<String>) -> Self {
        Self {
            platform,
            user_id: user_id.into(),
        }
    }

    /// The person a DM row is addressed to (its channel is [`Person::target`]).
    pub fn of_target(target: &super::ChannelRef) -> Self {
        Self::new(target.platform, target.id.trim_start_matches('@'))
    }

    /// The channel column of their DM rows: '@' and their id (never a channel id).
    pub fn target(&self) -> String {
        format!("@{}", self.user_id)
    }
}

/// One follow as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowRow {
    pub company_id: i64,
    pub company: String,
    /// Made in a server or workspace (its private events are seen too).
    pub in_tenant: bool,
}

/// What `follow` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Followed {
    New,
    /// Followed before; now from where it was asked this time.
    Again,
    /// The person already follows this many companies.
    Full(usize),
}
