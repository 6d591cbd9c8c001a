//! Where a report came from: an http(s) link or the name of a publication, never another
//! scheme (`javascript:`, `data:`).

use super::DomainError;
use super::fields::clean_text;

pub const MAX_SOURCE: usize = 500;

/// Where the report came from: an http(s) link or the name of a publication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Url(String),
    Publication(String),
}

impl Source {
    pub fn parse(raw: &str) -> Result<Option<Self>, DomainError> {
        let Some(text) = clean_text("source", raw, MAX_SOURCE)? else {
            return Ok(None);
        };
        let lower = text.to_ascii_lowercase();
        if let Some(rest) = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))
        {
            let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
            if host.is_empty() || text.chars().any(char::is_whitespace) {
                return Err(DomainError::invalid(
                    "source",
                    format!("{text:?} is not a valid link"),
                ));
            }
            return Ok(Some(Self::Url(text)));
        }
        if looks_like_scheme(&text) {
            return Err(DomainError::invalid(
                "source",
                "a link must start with http:// or https://",
            ));
        }
        Ok(Some(Self::Publication(text)))
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Url(s) | Self::Publication(s) => s,
        }
    }

    pub fn url(&self) -> Option<&str> {
        match self {
            Self::Url(s) => Some(s),
            Self::Publication(_) => None,
        }
    }

    /// A link's host without "www.", which names it in text ("wsj.com"); None for a
    /// publication's name.
    pub fn host(&self) -> Option<&str> {
        let url = self.url()?;
        let host = url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split(['/', '?', '#']).next())?;
        Some(host.trim_start_matches("www."))
    }

    /// A stored source, trusted as written by [`Source::parse`].
    pub fn from_stored(text: String) -> Self {
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            Self::Url(text)
        } else {
            Self::Publication(text)
        }
    }
}

/// "javascript:alert(1)", "data:text/html,…", "ftp://…": a scheme followed by no space.
fn looks_like_scheme(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.starts_with(' ')
        && !rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_http_links_or_publication_names() {
        assert!(matches!(
            Source::parse("https://www.wsj.com/x").unwrap(),
            Some(Source::Url(_))
        ));
        assert_eq!(
            Source::parse("Wall Street Journal").unwrap(),
            Some(Source::Publication("Wall Street Journal".into()))
        );
        assert!(Source::parse("javascript:alert(1)").is_err());
        assert!(Source::parse("JavaScript:alert(1)").is_err());
        assert!(Source::parse("data:text/html,hi").is_err());
        assert!(Source::parse("https://").is_err());
        assert!(Source::parse("Reuters: exclusive").is_ok());
        assert_eq!(Source::parse("  ").unwrap(), None);
    }
}
