//! Rendered answers kept until the record changes: each GET reads the store's version as of
//! after it arrived (the WAL-index header, one `pread`; see `store::version`) and serves the
//! kept answer while it is the same, so a page costs its query work once per change, not once
//! per visitor. When the version needs a statement, requests that arrive together share one.
//! Bounded: at most [`MAX_ENTRIES`] answers of at most [`MAX_BODY`] each.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::store::version::{Version, VersionProbe};

/// Answers kept at most; past it the cache starts over (pages are cheap to make again).
const MAX_ENTRIES: usize = 512;
/// Larger answers (the whole record as CSV) are not kept.
const MAX_BODY: usize = 2 * 1024 * 1024;

struct Kept {
    version: Version,
    headers: HeaderMap,
    body: Bytes,
}

pub struct PageCache {
    probe: VersionProbe,
    /// The last check: when it started, and what it found. Checks take turns here.
    checked: tokio::sync::Mutex<Option<(Instant, Version)>>,
    kept: Mutex<HashMap<String, Kept>>,
}

impl PageCache {
    pub fn new(probe: VersionProbe) -> Arc<Self> {
        Arc::new(Self {
            probe,
            checked: tokio::sync::Mutex::new(None),
            kept: Mutex::new(HashMap::new()),
        })
    }

    /// The store's version as of a moment after `arrived`: a check that started after the
    /// request arrived answers for it, so requests that come together share one check (and
    /// none ever sees a version from before it arrived).
    async fn version_after(&self, arrived: Instant) -> crate::error::Result<Version> {
        if let Some(version) = crate::service::listing::changes_now(&self.probe) {
            return Ok(version);
        }
        let mut checked = self.checked.lock().await;
        if let Some((started, version)) = *checked
            && started >= arrived
        {
            return Ok(version);
        }
        let started = Instant::now();
        let version = crate::service::listing::changes(&self.probe).await?;
        *checked = Some((started, version));
        Ok(version)
    }

    fn hit(&self, key: &str, version: Version) -> Option<Response> {
        let kept = self.kept.lock().ok()?;
        let k = kept.get(key).filter(|k| k.version == version)?;
        let mut response = Response::new(Body::from(k.body.clone()));
        *response.headers_mut() = k.headers.clone();
        Some(response)
    }

    fn keep(&self, key: String, kept: Kept) {
        if let Ok(mut all) = self.kept.lock() {
            if all.len() >= MAX_ENTRIES && !all.contains_key(&key) {
                all.clear();
            }
            all.insert(key, kept);
        }
    }
}

pub async fn cached(State(cache): State<Arc<PageCache>>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let Ok(version) = cache.version_after(Instant::now()).await else {
        return next.run(request).await;
    };
    let key = request.uri().path_and_query().map_or("/", |p| p.as_str());
    if let Some(hit) = cache.hit(key, version) {
        return hit;
    }
    let key = key.to_string();
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    // The tag is computed once, when the answer is made.
    if let Ok(tag) = HeaderValue::from_str(&super::http::etag(&body)) {
        parts.headers.insert(header::ETAG, tag);
    }
    if body.len() <= MAX_BODY {
        let kept = Kept {
            version,
            headers: parts.headers.clone(),
            body: body.clone(),
        };
        cache.keep(key, kept);
    }
    Response::from_parts(parts, Body::from(body))
}
