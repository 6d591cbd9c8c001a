//! HTTP around every page: security headers and caching on each answer, a bound on query
//! strings, and ETags with 304 for a repeated conditional request.

use std::hash::{Hash, Hasher};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Longest query string read; anything longer is a 400.
const MAX_QUERY: usize = 1024;
/// Largest answer hashed for its ETag (the whole record as CSV is about 15 MB at 100k events).
const MAX_BODY: usize = 64 * 1024 * 1024;

/// No script at all, styles only our own sheet (named by its hash), nothing framed or posted
/// elsewhere.
static CSP: std::sync::LazyLock<HeaderValue> = std::sync::LazyLock::new(|| {
    use base64::Engine as _;
    use sha2::Digest as _;
    let hash = sha2::Sha256::digest(super::pages::STYLE.as_bytes());
    let hash = base64::engine::general_purpose::STANDARD.encode(hash);
    let policy = format!(
        "default-src 'none'; style-src 'sha256-{hash}'; img-src 'self'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    HeaderValue::from_str(&policy).unwrap_or(HeaderValue::from_static("default-src 'none'"))
});

pub async fn headers(request: Request, next: Next) -> Response {
    if request.uri().query().is_some_and(|q| q.len() > MAX_QUERY) {
        return (StatusCode::BAD_REQUEST, "The query string is too long.\n").into_response();
    }
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    h.insert(header::CONTENT_SECURITY_POLICY, CSP.clone());
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(
        h,
        header::REFERRER_POLICY,
        "strict-origin-when-cross-origin",
    );
    set(h, header::X_FRAME_OPTIONS, "DENY");
    if !h.contains_key(header::CACHE_CONTROL) {
        set(h, header::CACHE_CONTROL, "public, max-age=60");
    }
    response
}

/// A weak ETag from the answer's bytes: the same record gives the same tag.
pub fn etag(bytes: &[u8]) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("W/\"{:x}-{:016x}\"", bytes.len(), hasher.finish())
}

/// Whether an If-None-Match header names `tag` (or is `*`).
fn matches(if_none_match: &str, tag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    if_none_match
        .split(',')
        .any(|t| t.trim() == "*" || bare(t) == bare(tag))
}

pub async fn conditional(request: Request, next: Next) -> Response {
    let cacheable = matches!(*request.method(), Method::GET | Method::HEAD);
    let asked = text_of(request.headers(), &header::IF_NONE_MATCH);
    let since = text_of(request.headers(), &header::IF_MODIFIED_SINCE);
    let mut response = next.run(request).await;
    if !cacheable || response.status() != StatusCode::OK {
        return response;
    }
    // A kept answer carries its tag already: no need to read its body again.
    if let Some(tag) = text_of(response.headers(), &header::ETAG) {
        let last = response.headers().get(header::LAST_MODIFIED);
        if unchanged(asked.as_deref(), since.as_deref(), &tag, last) {
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            *response.body_mut() = Body::empty();
            response.headers_mut().remove(header::CONTENT_LENGTH);
        }
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let tag = etag(&bytes);
    if let Ok(value) = HeaderValue::from_str(&tag) {
        parts.headers.insert(header::ETAG, value);
    }
    let last = parts.headers.get(header::LAST_MODIFIED);
    if unchanged(asked.as_deref(), since.as_deref(), &tag, last) {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn text_of(headers: &axum::http::HeaderMap, name: &header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Whether a conditional request's copy is current: If-None-Match wins over
/// If-Modified-Since, as RFC 9110 says.
fn unchanged(
    asked: Option<&str>,
    since: Option<&str>,
    tag: &str,
    last_modified: Option<&HeaderValue>,
) -> bool {
    match (asked, since) {
        (Some(a), _) => matches(a, tag),
        (None, Some(since)) => not_modified_since(last_modified, since),
        (None, None) => false,
    }
}

/// Whether the answer's Last-Modified is no later than If-Modified-Since.
fn not_modified_since(last_modified: Option<&HeaderValue>, since: &str) -> bool {
    let parse = |s: &str| chrono::DateTime::parse_from_rfc2822(s.trim()).ok();
    let last = last_modified.and_then(|v| v.to_str().ok()).and_then(parse);
    matches!((last, parse(since)), (Some(l), Some(s)) if l <= s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_match_weakly_and_in_lists() {
        let tag = etag(b"page");
        assert_eq!(tag, etag(b"page"));
        assert_ne!(tag, etag(b"other page"));
        assert!(matches(&tag, &tag));
        assert!(matches(
            &format!("\"x\", {}", tag.trim_start_matches("W/")),
            &tag
        ));
        assert!(matches("*", &tag));
        assert!(!matches("\"nope\"", &tag));
    }

    #[test]
    fn if_modified_since_compares_http_dates() {
        let lm = HeaderValue::from_static("Mon, 07 Dec 2026 02:00:00 GMT");
        assert!(not_modified_since(
            Some(&lm),
            "Mon, 07 Dec 2026 02:00:00 GMT"
        ));
        assert!(!not_modified_since(
            Some(&lm),
            "Mon, 07 Dec 2026 01:59:59 GMT"
        ));
        assert!(!not_modified_since(None, "Mon, 07 Dec 2026 02:00:00 GMT"));
        assert!(!not_modified_since(Some(&lm), "yesterday"));
    }
}
