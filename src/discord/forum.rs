//! Forum (and media) channels: each alert is a forum post (`POST /channels/{forum}/threads`)
//! titled by its topic, tagged with the forum's tags named like the company's industry or
//! country (never created), its first message the alert's embed. Corrections edit that
//! message and the title; a removal edits it to the notice, then locks and archives the post.
//! The thread's id is its first message's id, so the delivery keeps one id for both.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::poster::{DiscordPoster, post_body};
use crate::domain::fold_facet;
use crate::notify::PostOutcome;
use crate::render::{ForumPost, View};

/// Tags Discord lets a forum post carry.
const MAX_TAGS: usize = 5;
/// A forum's flag: every post must carry a tag.
const REQUIRE_TAG: u64 = 1 << 4;

/// How long a forum's tags and flags are trusted before they are read again (a moderator may
/// add a tag meanwhile).
const FORUM_KEPT_FOR: Duration = Duration::from_mins(5);

impl DiscordPoster {
    /// `GET /channels/{forum}`, at most once per [`FORUM_KEPT_FOR`].
    async fn forum_channel(&self, forum: u64) -> Result<Value, PostOutcome> {
        let fresh = |(at, _): &(Instant, Value)| at.elapsed() < FORUM_KEPT_FOR;
        if let Ok(known) = self.forums.0.lock()
            && let Some((_, channel)) = known.get(&forum).filter(|k| fresh(k))
        {
            return Ok(channel.clone());
        }
        let channel = self.get_json(&format!("channels/{forum}")).await?;
        if let Ok(mut known) = self.forums.0.lock() {
            known.retain(|_, k| fresh(k));
            known.insert(forum, (Instant::now(), channel.clone()));
        }
        Ok(channel)
    }

    /// The URL and body of a new forum post in `forum`.
    pub(super) async fn forum_request(
        &self,
        forum: u64,
        view: &View,
        post: &ForumPost,
    ) -> Result<(String, Value), PostOutcome> {
        let channel = self.forum_channel(forum).await?;
        let mut message = post_body(view, "");
        if let Some(m) = message.as_object_mut() {
            // Forum posts take no nonce; a retry looks for the post instead.
            m.remove("nonce");
            m.remove("enforce_nonce");
        }
        let tags = matching_tags(&channel, &post.tags);
        let require_tag = channel["flags"]
            .as_u64()
            .is_some_and(|f| f & REQUIRE_TAG != 0);
        if require_tag && tags.is_empty() {
            return Err(PostOutcome::Rejected(format!(
                "the forum requires a tag, and none of its tags is named like {}",
                if post.tags.is_empty() {
                    "anything of this post".to_string()
                } else {
                    post.tags.join(" or ")
                }
            )));
        }
        let body = json!({
            "name": post.title,
            "applied_tags": tags,
            "message": message,
        });
        Ok((
            format!("{}/api/v10/channels/{forum}/threads", self.base),
            body,
        ))
    }

    /// Edits a forum post's first message, then its title (or locks and archives it: after
    /// the edit, since an archived post's messages cannot be edited).
    pub(super) async fn edit_forum_post(
        &self,
        thread: &str,
        view: &View,
        post: &ForumPost,
    ) -> PostOutcome {
        let url = format!("{}/api/v10/channels/{thread}/messages/{thread}", self.base);
        let edited = self
            .send(self.client.patch(url), &super::poster::edit_body(view))
            .await;
        if !matches!(edited, PostOutcome::Sent { .. }) {
            return edited;
        }
        let name = (!post.close).then_some(post.title.as_str());
        if name.is_some_and(str::is_empty) {
            return edited;
        }
        match self.change_thread(thread, name).await {
            PostOutcome::Sent { .. } => edited,
            other => other,
        }
    }

    /// PATCH `/channels/{thread}`: its name, or (None) locked and archived; archived only
    /// where locking is refused (it takes Manage Threads, which the bot may lack).
    pub(super) async fn change_thread(&self, thread: &str, name: Option<&str>) -> PostOutcome {
        let url = format!("{}/api/v10/channels/{thread}", self.base);
        let change = match name {
            Some(name) => json!({ "name": name }),
            None => json!({"locked": true, "archived": true}),
        };
        let outcome = self.send(self.client.patch(&url), &change).await;
        match (name, outcome) {
            (None, PostOutcome::Unreachable { status: 403, .. }) => {
                let archive = json!({"archived": true});
                self.send(self.client.patch(&url), &archive).await
            }
            (_, outcome) => outcome,
        }
    }

    /// The bot's post in `forum` titled `title` whose first message's footer starts with
    /// `marker`, among the guild's active threads.
    pub(super) async fn find_in_forum(
        &self,
        forum: u64,
        title: &str,
        marker: &str,
    ) -> Result<Option<String>, PostOutcome> {
        let channel = self.forum_channel(forum).await?;
        let Some(guild) = channel["guild_id"].as_str() else {
            return Ok(None);
        };
        let active = self
            .get_json(&format!("guilds/{guild}/threads/active"))
            .await?;
        let threads = active["threads"].as_array().cloned().unwrap_or_default();
        for id in candidates(&threads, &forum.to_string(), title, self.bot_id.as_deref()) {
            let first = self
                .get_json(&format!("channels/{id}/messages/{id}"))
                .await?;
            let footer = first["embeds"][0]["footer"]["text"].as_str().unwrap_or("");
            if footer.starts_with(marker) {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }
}

/// Posts looked into besides those titled as wanted: the event may have been corrected (and
/// its title changed) between the lost answer and the retry.
const NEWEST_LOOKED_AT: usize = 10;

/// The bot's posts in `forum` worth opening: those titled `title`, then the newest others.
fn candidates(threads: &[Value], forum: &str, title: &str, bot: Option<&str>) -> Vec<String> {
    let mut ours: Vec<(bool, u64, String)> = threads
        .iter()
        .filter(|t| {
            t["parent_id"].as_str() == Some(forum)
                && bot.is_none_or(|me| t["owner_id"].as_str() == Some(me))
        })
        .filter_map(|t| {
            let id = t["id"].as_str()?;
            Some((
                t["name"].as_str() != Some(title),
                id.parse().ok()?,
                id.to_string(),
            ))
        })
        .collect();
    // Titled first; then newest first (snowflakes grow with time).
    ours.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let titled = ours.iter().filter(|c| !c.0).count();
    ours.into_iter()
        .take(titled + NEWEST_LOOKED_AT)
        .map(|(_, _, id)| id)
        .collect()
}

/// The ids of the forum's tags whose names match `wanted` (case and spacing aside), in the
/// order wanted.
fn matching_tags(channel: &Value, wanted: &[String]) -> Vec<String> {
    let available = channel["available_tags"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut ids = Vec::new();
    for want in wanted {
        let want = fold_facet(want);
        let found = available
            .iter()
            .find(|t| t["name"].as_str().is_some_and(|n| fold_facet(n) == want));
        if let Some(id) = found.and_then(|t| t["id"].as_str())
            && !ids.iter().any(|i| i == id)
        {
            ids.push(id.to_string());
        }
    }
    ids.truncate(MAX_TAGS);
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_match_by_name_folded_and_none_is_made_up() {
        let forum = json!({"available_tags": [
            {"id": "1", "name": "Retail"}, {"id": "2", "name": "united states"}, {"id": "3", "name": "Other"}
        ]});
        let want = [
            "retail".to_string(),
            "United States.".into(),
            "Crypto".into(),
        ];
        assert_eq!(matching_tags(&forum, &want), ["1", "2"]);
        assert!(matching_tags(&json!({}), &want).is_empty());
    }

    #[test]
    fn the_titled_posts_are_looked_at_first_then_the_newest_of_ours() {
        let t = |id: &str, parent: &str, name: &str, owner: &str| json!({"id": id, "parent_id": parent, "name": name, "owner_id": owner});
        let threads = [
            t("10", "1", "Acme: 5 jobs", "9"),
            t("30", "1", "Other", "9"),
            t("20", "1", "Other", "9"),
            t("40", "1", "Acme: 5 jobs", "8"),
            t("50", "2", "Acme: 5 jobs", "9"),
        ];
        assert_eq!(
            candidates(&threads, "1", "Acme: 5 jobs", Some("9")),
            ["10", "30", "20"]
        );
    }
}
