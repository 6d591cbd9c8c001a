//! Forum channels (Discord): each delivery is a forum post whose title names what it is
//! about and whose tags are the company's industry and country, where the forum has them.
//! Forum posts take no nonce, so every retry first looks for the post an earlier attempt
//! may have made.

use super::{ChannelPoster, Worker};
use crate::domain::{DigestPeriod, Viewer};
use crate::error::Result;
use crate::render::ForumPost;
use crate::render::topics::{TOPIC_LENGTH, digest_topic, event_topic, filing_topic};
use crate::store::{Delivery, Item};

impl<P: ChannelPoster> Worker<P> {
    /// The forum post a delivery makes (None: what it is about is gone, or it is not one
    /// that goes to a forum).
    pub(super) async fn forum_post(&self, d: &Delivery) -> Result<Option<ForumPost>> {
        match d.item {
            Item::Event(id) | Item::Test(Some(id)) => {
                let viewer = Viewer {
                    tenant: d.tenant.clone(),
                };
                let post = self.event_forum_post(id, &viewer).await?;
                Ok(post.map(|p| test_title(p, d)))
            }
            Item::Filing(id) => {
                let Some(f) = self.store.filing_post(id).await? else {
                    return Ok(None);
                };
                let mut tags = self.company_tags_by_name(&f.company).await?;
                tags.push("United States".into());
                Ok(Some(ForumPost {
                    title: filing_topic(&f),
                    tags,
                    close: false,
                }))
            }
            Item::Digest(period) => Ok(Some(digest_post(&period))),
            Item::Test(None) => Ok(Some(test_title(
                ForumPost {
                    title: "A sample alert".into(),
                    tags: Vec::new(),
                    close: false,
                },
                d,
            ))),
            Item::Review(_) | Item::Follow { .. } => Ok(None),
        }
    }

    /// An event's forum post as `viewer`'s channel sees it: its title and tags; a removed
    /// event's post keeps its title and is closed.
    pub(super) async fn event_forum_post(
        &self,
        id: i64,
        viewer: &Viewer,
    ) -> Result<Option<ForumPost>> {
        let Some(e) = self.store.event(id).await? else {
            return Ok(None);
        };
        let company = self.store.company_by_id(e.company_id, viewer).await?;
        let tags = company
            .map(|c| c.industry.into_iter().chain(c.country).collect())
            .unwrap_or_default();
        Ok(Some(ForumPost {
            title: event_topic(&e),
            tags,
            close: false,
        }))
    }

    async fn company_tags_by_name(&self, name: &str) -> Result<Vec<String>> {
        let company = self.store.find_company(name, &Viewer::EVERYONE).await?;
        Ok(company.and_then(|c| c.industry).into_iter().collect())
    }
}

/// A removed event's forum post: its title kept, locked and archived.
pub(super) fn closed() -> ForumPost {
    ForumPost {
        title: String::new(),
        tags: Vec::new(),
        close: true,
    }
}

fn digest_post(period: &DigestPeriod) -> ForumPost {
    ForumPost {
        title: digest_topic(period),
        tags: Vec::new(),
        close: false,
    }
}

/// A test post says so in its title.
fn test_title(mut post: ForumPost, d: &Delivery) -> ForumPost {
    if matches!(d.item, Item::Test(_)) {
        post.title = crate::render::truncate(&format!("[Test] {}", post.title), TOPIC_LENGTH);
    }
    post
}
