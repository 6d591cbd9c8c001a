//! Fetching a source like a good citizen: a User-Agent naming the bot, conditional GET, gzip,
//! at most 5 redirects and only to http(s), connect and whole-fetch deadlines, and a body cap
//! enforced as the bytes arrive. The body lands in a temporary file for the import.

use std::io::Write as _;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};

/// Sent with every fetch.
pub const USER_AGENT: &str = concat!(
    "layoffs-bot/",
    env!("CARGO_PKG_VERSION"),
    " (+",
    env!("CARGO_PKG_REPOSITORY"),
    ")"
);
const MAX_REDIRECTS: usize = 5;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const WHOLE_FETCH: Duration = Duration::from_mins(2);
/// A CSV or WARN file larger than this is refused.
pub const MAX_FILE_BODY: u64 = 50 * 1024 * 1024;

/// What the last imported body was, sent back so an unchanged file costs a 304.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What a fetch brought.
#[derive(Debug)]
pub enum Fetched {
    /// A new body, in a temporary file removed when dropped, with its validators.
    Body {
        file: tempfile::NamedTempFile,
        validators: Validators,
    },
    /// The server says nothing changed (304).
    NotModified,
}

/// Why a fetch failed, in a sentence for `sources list`, and when the server asked us to
/// come back (429 or 5xx with Retry-After).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError {
    pub message: String,
    /// Seconds the server asked us to wait, if it did.
    pub retry_after: Option<u64>,
    /// A 429 or 5xx: worth trying again soon.
    pub transient: bool,
}

impl FetchError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            retry_after: None,
            transient: true,
        }
    }
}

/// One HTTP client for every source.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
}

impl Fetcher {
    /// The standard client: connect within 10 s, the whole fetch within 120 s.
    pub fn new() -> crate::error::Result<Self> {
        Self::with_timeouts(CONNECT_TIMEOUT, WHOLE_FETCH)
    }

    /// A client with other deadlines (tests of a slow body).
    pub fn with_timeouts(connect: Duration, whole: Duration) -> crate::error::Result<Self> {
        let policy = reqwest::redirect::Policy::custom(|attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                attempt.error("more than 5 redirects")
            } else if !matches!(attempt.url().scheme(), "http" | "https") {
                attempt.error("a redirect to a scheme other than http(s)")
            } else {
                attempt.follow()
            }
        });
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .redirect(policy)
            .connect_timeout(connect)
            .timeout(whole)
            .build()
            .map_err(|e| crate::error::Error::Internal(format!("HTTP client: {e}")))?;
        Ok(Self { client })
    }

    /// GETs `url` (conditionally when `known` has validators), keeping at most `cap` bytes.
    pub async fn fetch(
        &self,
        url: &str,
        known: &Validators,
        cap: u64,
    ) -> Result<Fetched, FetchError> {
        let mut request = self.client.get(url);
        if let Some(tag) = &known.etag {
            request = request.header(header::IF_NONE_MATCH, tag);
        }
        if let Some(date) = &known.last_modified {
            request = request.header(header::IF_MODIFIED_SINCE, date);
        }
        let mut response = request.send().await.map_err(|e| transport(&e))?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(refused(status, response.headers(), Utc::now()));
        }
        if response.content_length().is_some_and(|n| n > cap) {
            return Err(too_large(cap));
        }
        let validators = validators_of(response.headers());
        let mut file = tempfile::NamedTempFile::new().map_err(|e| {
            FetchError::new(format!("cannot write the body to a temporary file: {e}"))
        })?;
        let mut got: u64 = 0;
        while let Some(chunk) = response.chunk().await.map_err(|e| transport(&e))? {
            got += chunk.len() as u64;
            if got > cap {
                return Err(too_large(cap));
            }
            file.write_all(&chunk)
                .map_err(|e| FetchError::new(format!("cannot write the body: {e}")))?;
        }
        file.flush()
            .map_err(|e| FetchError::new(format!("cannot write the body: {e}")))?;
        Ok(Fetched::Body { file, validators })
    }
}

fn validators_of(headers: &HeaderMap) -> Validators {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &header::HeaderValue| v.to_str().ok())
            .filter(|v| v.len() <= 200)
            .map(str::to_string)
    };
    Validators {
        etag: text(header::ETAG),
        last_modified: text(header::LAST_MODIFIED),
    }
}

fn too_large(cap: u64) -> FetchError {
    FetchError {
        transient: false,
        ..FetchError::new(format!(
            "the body is larger than {} MB, so it was refused",
            cap / (1024 * 1024)
        ))
    }
}

/// A transport failure in words, without the URL (it may carry a token).
fn transport(e: &reqwest::Error) -> FetchError {
    let what = if e.is_timeout() {
        "the fetch took too long (at most 10 s to connect and 120 s in all)".to_string()
    } else if e.is_redirect() {
        "too many redirects (at most 5, http(s) only)".to_string()
    } else if e.is_connect() {
        "could not connect".to_string()
    } else if e.is_body() || e.is_decode() {
        "the body could not be read".to_string()
    } else {
        format!("the request failed: {}", e.without_url_string())
    };
    FetchError::new(what)
}

trait WithoutUrl {
    fn without_url_string(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn without_url_string(&self) -> String {
        let mut source = std::error::Error::source(self);
        let mut last = None;
        while let Some(s) = source {
            last = Some(s.to_string());
            source = s.source();
        }
        last.unwrap_or_else(|| "unknown error".to_string())
    }
}

/// A status that is not success or 304: 429 and 5xx are transient and may say when to come
/// back; any other (404, 403, …) waits for the next scheduled try.
pub fn refused(status: StatusCode, headers: &HeaderMap, now: DateTime<Utc>) -> FetchError {
    let transient = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
    let retry_after = headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| retry_after_secs(v, now));
    FetchError {
        message: format!("the server answered HTTP {status}"),
        retry_after: retry_after.filter(|_| transient),
        transient,
    }
}

/// Retry-After as seconds: a number, or an HTTP date.
fn retry_after_secs(value: &str, now: DateTime<Utc>) -> Option<u64> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(secs);
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?;
    Some(u64::try_from((at.with_timezone(&Utc) - now).num_seconds()).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2026-12-07T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(retry_after_secs("120", now), Some(120));
        assert_eq!(
            retry_after_secs("Mon, 07 Dec 2026 10:05:00 GMT", now),
            Some(300)
        );
        assert_eq!(
            retry_after_secs("Mon, 07 Dec 2026 09:05:00 GMT", now),
            Some(0)
        );
        assert_eq!(retry_after_secs("soon", now), None);
    }

    #[test]
    fn only_429_and_5xx_are_transient_and_honour_retry_after() {
        let now = Utc::now();
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, "60".parse().unwrap());
        let busy = refused(StatusCode::TOO_MANY_REQUESTS, &h, now);
        assert!(busy.transient);
        assert_eq!(busy.retry_after, Some(60));
        assert!(busy.message.contains("429"));
        let gone = refused(StatusCode::NOT_FOUND, &h, now);
        assert!(!gone.transient);
        assert_eq!(gone.retry_after, None);
        assert!(refused(StatusCode::BAD_GATEWAY, &HeaderMap::new(), now).transient);
    }
}
