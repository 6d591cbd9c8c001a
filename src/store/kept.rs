//! Answers kept until the store changes: `/layoffs amazon` reads the same page until the
//! next commit (by any connection or process), which the WAL-index version shows in one
//! `pread`, so a repeated question costs no statement at all; likewise "nobody has a pause
//! to be told", asked after every command.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::NaiveDate;

use super::Store;
use super::version::Version;
use crate::domain::{Listing, Tenant};

/// Which listing: the company as typed (its normalised key; None: the latest events), whose
/// view, since when, and which page of what size.
pub type ListingKey = (Option<String>, Option<Tenant>, Option<NaiveDate>, u32, u32);

/// Listings kept at most; past that the memory starts over.
const LISTINGS_KEPT: usize = 1024;

#[derive(Debug, Default)]
pub(super) struct KeptListings {
    kept: Mutex<HashMap<ListingKey, (Version, Listing)>>,
    /// The version at which no follow pause was left untold.
    none_untold: Mutex<Option<Version>>,
}

impl Store {
    /// The store's version now, when it can be read without a statement (a file store in
    /// WAL mode); None otherwise, and nothing is kept.
    pub async fn read_version(&self) -> Option<Version> {
        self.all_totals.store_version(self).await
    }

    /// The listing kept for `key` at `version`, if the store has not changed since.
    pub fn kept_listing(&self, key: &ListingKey, version: Version) -> Option<Listing> {
        let kept = self.kept_listings.kept.lock().ok()?;
        kept.get(key)
            .filter(|(v, _)| *v == version)
            .map(|(_, listing)| listing.clone())
    }

    /// Keeps a listing read at `version` (read before the listing was).
    pub fn keep_listing(&self, key: ListingKey, version: Version, listing: &Listing) {
        if let Ok(mut kept) = self.kept_listings.kept.lock() {
            if kept.len() >= LISTINGS_KEPT {
                kept.clear();
            }
            kept.insert(key, (version, listing.clone()));
        }
    }

    /// Whether no follow pause was left untold at `version` (the store unchanged since).
    pub(super) fn none_untold_at(&self, version: Option<Version>) -> bool {
        version.is_some()
            && self
                .kept_listings
                .none_untold
                .lock()
                .is_ok_and(|kept| *kept == version)
    }

    /// Keeps that no follow pause was untold at `version` (read before the check).
    pub(super) fn keep_none_untold(&self, version: Option<Version>) {
        if let Ok(mut kept) = self.kept_listings.none_untold.lock() {
            *kept = version;
        }
    }
}
