//! What each kind of delivery posts: an event's post as its channel's tenant sees it, a
//! filing's, a digest for its period, a marked test; and the footer marker of each.

use chrono::{DateTime, Utc};

use super::{ChannelPoster, Worker};
use crate::domain::Tenant;
use crate::error::Result;
use crate::render::alerts::{digest_view, filing_view, marker, test_view};
use crate::render::review::review_view;
use crate::render::{self, View, chart};
use crate::service::digests;
use crate::store::{Delivery, Item};

/// How the footer of a delivery's post starts: unique in its channel.
pub(super) fn marker_of(d: &Delivery) -> String {
    match d.item {
        Item::Event(id) => render::footer_marker(id),
        Item::Filing(id) => marker("Filing", &id.to_string()),
        Item::Digest(_) => marker("Digest", &d.id.to_string()),
        Item::Test(_) => marker("Test", &d.id.to_string()),
        Item::Review(id) => review_marker(id),
        Item::Follow { event, .. } => render::footer_marker(event),
    }
}

/// A review post's footer marker.
pub(super) fn review_marker(candidate: i64) -> String {
    marker("Candidate", &candidate.to_string())
}

impl<P: ChannelPoster> Worker<P> {
    /// The view a delivery posts, or None if what it is about is gone.
    pub(super) async fn view_for(&self, d: &Delivery, now: DateTime<Utc>) -> Result<Option<View>> {
        match d.item {
            Item::Event(id) => self.post_view(id, d.tenant.as_ref()).await,
            Item::Follow { event, follow } => {
                let Some(view) = self.follow_view(event, d.tenant.as_ref()).await? else {
                    return Ok(None);
                };
                let mut others = Vec::new();
                for id in self.store.follow_burst(d.id, follow, d.created_at).await? {
                    others.extend(self.store.event(id).await?);
                }
                Ok(Some(render::views::with_burst(view, &others)))
            }
            Item::Filing(id) => Ok(self.store.filing_post(id).await?.map(|f| filing_view(&f))),
            Item::Digest(period) => {
                let Some(id) = d.subscription_id else {
                    return Ok(None);
                };
                let Some(sub) = self.store.subscription(id).await? else {
                    return Ok(None);
                };
                let Some(digest) = digests::digest(&self.store, &sub, period).await? else {
                    return Ok(None);
                };
                let chart = match &digest.chart {
                    Some(stats) => chart::stats_image(stats)
                        .await
                        .inspect_err(|e| tracing::warn!(error = %e, "digest without a chart"))
                        .ok(),
                    None => None,
                };
                Ok(Some(digest_view(&digest, chart, &marker_of(d))))
            }
            Item::Test(event) => {
                let post = match event {
                    Some(id) => self.post_view(id, d.tenant.as_ref()).await?,
                    None => None,
                };
                let mut view = test_view(post, d.id, now);
                if let Some(role) = d.mention_role {
                    // Shown, never pinged: embeds do not notify, and tests carry no content.
                    view.description =
                        format!("{}\n\nAlerts here mention <@&{role}>.", view.description);
                }
                Ok(Some(view.fit()))
            }
            Item::Review(id) => {
                let candidate = self.store.candidate(id).await?;
                Ok(candidate
                    .filter(|c| c.status == "open")
                    .map(|c| review_view(&c, &marker_of(d))))
            }
        }
    }

    /// The post about an event as seen in a tenant (its context counts that tenant's events),
    /// or None if the event was removed.
    pub(super) async fn post_view(
        &self,
        event_id: i64,
        tenant: Option<&Tenant>,
    ) -> Result<Option<View>> {
        self.event_view(event_id, tenant, render::post_view).await
    }

    /// A follower's DM: the post, its footer saying why they get it and how to stop.
    pub(super) async fn follow_view(
        &self,
        event_id: i64,
        tenant: Option<&Tenant>,
    ) -> Result<Option<View>> {
        self.event_view(event_id, tenant, render::follow_view).await
    }

    async fn event_view(
        &self,
        event_id: i64,
        tenant: Option<&Tenant>,
        shown: fn(&crate::domain::LayoffEvent, &crate::domain::Totals) -> View,
    ) -> Result<Option<View>> {
        let Some(event) = self.store.event(event_id).await? else {
            return Ok(None);
        };
        let recent = self
            .store
            .recent_totals(event.company_id, tenant, event.date)
            .await?;
        Ok(Some(shown(&event, &recent)))
    }
}
