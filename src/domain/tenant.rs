//! Tenants and scope: who owns a private event (a Discord server today, a Slack workspace
//! next), where an event is seen, what a reader sees, and who did something.

use std::fmt;

use super::DomainError;

/// The chat platform a tenant lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    Discord,
    Slack,
}

impl Platform {
    /// The name stored in `tenants.platform`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Discord => "discord",
            Self::Slack => "slack",
        }
    }

    /// What users of the platform call a community, for sentences: "server", "workspace".
    pub fn community(self) -> &'static str {
        match self {
            Self::Discord => "server",
            Self::Slack => "workspace",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "discord" => Some(Self::Discord),
            "slack" => Some(Self::Slack),
            _ => None,
        }
    }
}

/// A community with private events and names: a Discord guild or a Slack workspace, by the
/// platform's own id ("80351110224678912", "T024BE7LD").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tenant {
    platform: Platform,
    id: String,
}

/// Platform ids are short ASCII; anything else is refused before it reaches the store.
const MAX_TENANT_ID: usize = 32;

impl Tenant {
    pub fn discord(guild_id: u64) -> Self {
        Self {
            platform: Platform::Discord,
            id: guild_id.to_string(),
        }
    }

    pub fn new(platform: Platform, id: &str) -> Result<Self, DomainError> {
        let valid = !id.is_empty()
            && id.len() <= MAX_TENANT_ID
            && id.bytes().all(|b| b.is_ascii_alphanumeric());
        if !valid {
            return Err(DomainError::invalid(
                "tenant",
                format!("{id:?} is not a valid id"),
            ));
        }
        Ok(Self {
            platform,
            id: id.to_string(),
        })
    }

    /// As read back from the store, which only ever holds ids that [`Tenant::new`] accepted.
    pub fn from_stored(platform: Platform, id: String) -> Self {
        Self { platform, id }
    }

    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// The platform's own id, as text.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The Discord guild id, for a Discord tenant.
    pub fn discord_guild(&self) -> Option<u64> {
        match self.platform {
            Platform::Discord => self.id.parse().ok(),
            Platform::Slack => None,
        }
    }
}

impl fmt::Display for Tenant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.platform.as_str(), self.id)
    }
}

/// Where an event is seen: everywhere, or in one tenant only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventScope {
    Global,
    Tenant(Tenant),
}

impl EventScope {
    pub fn tenant(&self) -> Option<&Tenant> {
        match self {
            Self::Global => None,
            Self::Tenant(t) => Some(t),
        }
    }
}

/// What a reader sees: global events, plus those of the tenant they ask from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Viewer {
    pub tenant: Option<Tenant>,
}

impl Viewer {
    pub const EVERYONE: Self = Self { tenant: None };

    pub fn in_tenant(tenant: Tenant) -> Self {
        Self {
            tenant: Some(tenant),
        }
    }

    pub fn in_guild(guild: u64) -> Self {
        Self::in_tenant(Tenant::discord(guild))
    }

    /// Whether this reader may see an event of `scope`.
    pub fn sees(&self, scope: &EventScope) -> bool {
        match scope {
            EventScope::Global => true,
            EventScope::Tenant(t) => self.tenant.as_ref() == Some(t),
        }
    }
}

/// Who did something, as written in the audit trail: "discord:<user id>" or "cli:<verb>".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(String);

impl Actor {
    pub fn discord(user_id: u64) -> Self {
        Self(format!("discord:{user_id}"))
    }

    /// A Slack user ("U024BE7LH"); its id was checked as a tenant id is.
    pub fn slack(user_id: &str) -> Self {
        Self(format!("slack:{user_id}"))
    }

    pub fn cli(verb: &str) -> Self {
        Self(format!("cli:{verb}"))
    }

    /// As read back from the store.
    pub fn from_stored(text: String) -> Self {
        Self(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenants_print_as_platform_and_id_and_refuse_odd_ids() {
        assert_eq!(Tenant::discord(42).to_string(), "discord:42");
        assert_eq!(Tenant::discord(42).discord_guild(), Some(42));
        let slack = Tenant::new(Platform::Slack, "T024BE7LD").unwrap();
        assert_eq!(slack.to_string(), "slack:T024BE7LD");
        assert_eq!(slack.discord_guild(), None);
        assert!(Tenant::new(Platform::Slack, "").is_err());
        assert!(Tenant::new(Platform::Slack, "T0 1").is_err());
        assert!(Tenant::new(Platform::Slack, &"T".repeat(33)).is_err());
    }

    #[test]
    fn a_viewer_sees_global_events_and_its_own_tenants_only() {
        let a = Viewer::in_guild(1);
        assert!(a.sees(&EventScope::Global));
        assert!(a.sees(&EventScope::Tenant(Tenant::discord(1))));
        assert!(!a.sees(&EventScope::Tenant(Tenant::discord(2))));
        assert!(!Viewer::EVERYONE.sees(&EventScope::Tenant(Tenant::discord(1))));
    }
}
