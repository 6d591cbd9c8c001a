//! Signed platform requests: a signature is accepted once within its window, across restarts.

use crate::error::Result;
use crate::store::Store;

/// How long a signed request stays valid, and so how long its signature is remembered.
pub const REPLAY_WINDOW_SECS: i64 = 5 * 60;

/// True the first time `signature` (signed at `signed_at`, seconds) is seen; false for a
/// replay. `now` in seconds since the epoch.
pub async fn first_sight(store: &Store, signature: &str, signed_at: i64, now: i64) -> Result<bool> {
    store
        .remember_signature(signature, signed_at, now - REPLAY_WINDOW_SECS)
        .await
}
