//! A source the operator names (`layoffs-bot sources add`): a short slug, an http(s) URL, what
//! the URL serves, and how often it is fetched. Parsed once, here, for the CLI and the store.

use std::fmt::Write as _;
use std::time::Duration;

use super::DomainError;

/// Default time between syncs.
pub const DEFAULT_EVERY: Duration = Duration::from_hours(6);
/// Shortest time between syncs: upstream files change a few times a day at most.
pub const SHORTEST_EVERY: Duration = Duration::from_mins(15);
/// Longest accepted: a source fetched less than monthly is not a schedule.
const LONGEST_EVERY: Duration = Duration::from_hours(31 * 24);
const MAX_NAME: usize = 40;
const MAX_URL: usize = 2000;

/// What a source's URL serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A layoffs.fyi export, either layout.
    Csv,
    /// A WARN file (Washington, or warn-transformer's consolidated or integrated layout).
    Warn,
    /// An RSS or Atom news feed: items that read as a layoff become candidates for review.
    Feed,
}

impl SourceKind {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Self::Csv),
            "warn" => Ok(Self::Warn),
            "feed" => Ok(Self::Feed),
            other => Err(DomainError::invalid(
                "kind",
                format!("unknown kind {other:?}: use csv, warn or feed"),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Warn => "warn",
            Self::Feed => "feed",
        }
    }
}

/// A source's name: 1-40 lowercase letters, digits and dashes, starting with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceName(String);

impl SourceName {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let name = raw.trim();
        let bad = || {
            DomainError::invalid(
                "name",
                format!(
                    "{name:?} is not a source name: use 1-{MAX_NAME} lowercase letters, digits \
                     and dashes (such as wa-warn)"
                ),
            )
        };
        let slug_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        if name.is_empty() || name.len() > MAX_NAME || name.starts_with('-') {
            return Err(bad());
        }
        if !name.chars().all(slug_char) {
            return Err(bad());
        }
        Ok(Self(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An http(s) URL with a host and no spaces or credentials.
pub fn parse_url(raw: &str) -> Result<String, DomainError> {
    let url = raw.trim();
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(|| {
            DomainError::invalid("url", "a source URL must start with http:// or https://")
        })?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty()
        || url.len() > MAX_URL
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(DomainError::invalid(
            "url",
            format!("{url:?} is not a valid URL"),
        ));
    }
    if authority.contains('@') {
        return Err(DomainError::invalid(
            "url",
            "a source URL must not carry a user name or password",
        ));
    }
    Ok(url.to_string())
}

/// A time between syncs such as `15m`, `6h`, `1d` or `90m` (s, m, h, d units; combinations
/// such as `1h30m`), from [`SHORTEST_EVERY`] to 31 days.
pub fn parse_every(raw: &str) -> Result<Duration, DomainError> {
    let text = raw.trim().to_ascii_lowercase();
    let bad = || {
        DomainError::invalid(
            "every",
            format!("{text:?} is not a duration: write it like 15m, 6h, 1d or 1h30m"),
        )
    };
    let mut total: u64 = 0;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(bad()),
        };
        let n: u64 = digits.parse().map_err(|_| bad())?;
        total = n
            .checked_mul(unit)
            .and_then(|s| total.checked_add(s))
            .ok_or_else(bad)?;
        digits.clear();
    }
    if !digits.is_empty() || total == 0 {
        return Err(bad());
    }
    let every = Duration::from_secs(total);
    if every < SHORTEST_EVERY {
        return Err(DomainError::invalid(
            "every",
            format!("{text} is too often: a source is fetched at most every 15m"),
        ));
    }
    if every > LONGEST_EVERY {
        return Err(DomainError::invalid(
            "every",
            format!("{text} is too long: at most 31d"),
        ));
    }
    Ok(every)
}

/// A duration as `parse_every` reads it back (`6h`, `1h30m`, `15m`).
pub fn format_every(every: Duration) -> String {
    let mut secs = every.as_secs();
    let mut out = String::new();
    for (unit, name) in [(86_400, 'd'), (3600, 'h'), (60, 'm'), (1, 's')] {
        if secs >= unit {
            let _ = write!(out, "{}{name}", secs / unit);
            secs %= unit;
        }
    }
    out
}

/// Everything `sources add` names, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpec {
    pub name: SourceName,
    pub url: String,
    pub kind: SourceKind,
    pub every: Duration,
    pub announce: bool,
    /// Feeds: more words that make a headline read as a layoff.
    pub words: Vec<String>,
}

impl SourceSpec {
    /// `sources add` as typed: each part parsed, and the parts that go together checked
    /// (`--announce` is for files, `--words` for feeds).
    pub fn parse(
        name: &str,
        url: &str,
        kind: &str,
        every: &str,
        announce: bool,
        words: Option<&str>,
    ) -> Result<Self, DomainError> {
        let kind = SourceKind::parse(kind)?;
        if announce && kind == SourceKind::Feed {
            return Err(DomainError::invalid(
                "announce",
                "--announce is for csv and warn sources: a feed's items are candidates for \
                 review, never posted by themselves",
            ));
        }
        let words = match (words, kind) {
            (None, _) => Vec::new(),
            (Some(w), SourceKind::Feed) => parse_words(w)?,
            (Some(_), _) => {
                return Err(DomainError::invalid(
                    "words",
                    "--words is for news feeds (--kind feed)",
                ));
            }
        };
        Ok(Self {
            name: SourceName::parse(name)?,
            url: parse_url(url)?,
            kind,
            every: parse_every(every)?,
            announce,
            words,
        })
    }
}

/// `--words "furlough, restructuring"`: up to 20 words or phrases of up to 40 characters.
pub fn parse_words(raw: &str) -> Result<Vec<String>, DomainError> {
    let words: Vec<String> = raw
        .split(',')
        .map(|w| w.trim().to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() > 20 || words.iter().any(|w| w.chars().count() > 40) {
        return Err(DomainError::invalid(
            "words",
            "give at most 20 words or phrases of at most 40 characters, separated by commas",
        ));
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short_slugs() {
        assert_eq!(SourceName::parse(" wa-warn ").unwrap().as_str(), "wa-warn");
        for bad in ["", "WA", "wa warn", "-x", "a/b", &"x".repeat(41)] {
            assert!(SourceName::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn urls_are_http_or_https_with_a_host() {
        assert!(parse_url("https://example.com/a.csv").is_ok());
        assert!(parse_url("HTTP://127.0.0.1:8000/x").is_ok());
        for bad in [
            "ftp://x/y",
            "file:///etc/passwd",
            "https://",
            "https://a b",
            "https://u:p@h/x",
            "x",
        ] {
            assert!(parse_url(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn intervals_read_units_and_keep_the_bounds() {
        assert_eq!(parse_every("15m").unwrap(), SHORTEST_EVERY);
        assert_eq!(parse_every("6h").unwrap(), DEFAULT_EVERY);
        assert_eq!(parse_every("1h30m").unwrap(), Duration::from_mins(90));
        assert_eq!(parse_every("1d").unwrap(), Duration::from_hours(24));
        assert!(
            parse_every("14m")
                .unwrap_err()
                .message
                .contains("at most every 15m")
        );
        for bad in ["", "6", "h", "6x", "-1h", "99999999999999999999d", "40d"] {
            assert!(parse_every(bad).is_err(), "{bad:?}");
        }
        assert_eq!(format_every(Duration::from_mins(90)), "1h30m");
        assert_eq!(format_every(DEFAULT_EVERY), "6h");
    }

    #[test]
    fn kinds_are_csv_warn_or_feed() {
        assert_eq!(SourceKind::parse("CSV").unwrap(), SourceKind::Csv);
        assert_eq!(SourceKind::parse("warn").unwrap(), SourceKind::Warn);
        assert_eq!(SourceKind::parse("feed").unwrap(), SourceKind::Feed);
        assert!(SourceKind::parse("rss").is_err());
        assert_eq!(
            parse_words(" Furlough, ,restructuring ").unwrap(),
            ["furlough", "restructuring"]
        );
        assert!(parse_words(&"x,".repeat(21)).is_err());
    }
}
