//! The fake Discord's threads and forums: public threads opened under messages (160004 when
//! a message already has one), forum channels with tags, forum posts (a thread whose first
//! message shares its id), the guild's active threads, and locking and archiving.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::http::StatusCode;
use serde_json::{Value, json};

/// A thread the bot opened, under a message or as a forum post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    pub id: String,
    pub parent: String,
    pub name: String,
    pub auto_archive_duration: u64,
    pub applied_tags: Vec<String>,
    pub locked: bool,
    pub archived: bool,
}

impl Thread {
    fn json(&self, kind: u8) -> Value {
        json!({
            "id": self.id, "type": kind, "parent_id": self.parent, "name": self.name,
            "guild_id": super::fake_discord::GUILD_A, "owner_id": super::fake_discord::BOT_ID,
            "applied_tags": self.applied_tags,
            "thread_metadata": {"archived": self.archived, "locked": self.locked,
                                "auto_archive_duration": self.auto_archive_duration,
                                "archive_timestamp": "2026-01-01T00:00:00.000000+00:00"}
        })
    }
}

type Answer = (StatusCode, Value);

fn bad(message: &str, code: u64) -> Answer {
    (
        StatusCode::BAD_REQUEST,
        json!({"message": message, "code": code}),
    )
}

#[derive(Default)]
pub struct Threads {
    /// By thread id (the message's id for a thread under a message or a forum post).
    by_id: Mutex<HashMap<String, Thread>>,
    /// Forum channels and their tags (id, name).
    forums: Mutex<HashMap<String, Vec<(String, String)>>>,
    /// Forums that require a tag on every post.
    require_tag: Mutex<Vec<String>>,
    /// Forum posts still to create and then answer with a 500 (the answer lost), per forum.
    lost: Mutex<HashMap<String, u32>>,
}

impl Threads {
    /// POST /channels/{channel}/messages/{message}/threads.
    pub fn open_under(&self, channel: &str, message: &str, body: &Value) -> Answer {
        if self.by_id.lock().unwrap().contains_key(message) {
            return bad(
                "A thread has already been created for this message",
                160_004,
            );
        }
        let thread = match named(message, channel, body) {
            Ok(t) => t,
            Err(answer) => return answer,
        };
        let reply = thread.json(11);
        self.by_id
            .lock()
            .unwrap()
            .insert(message.to_string(), thread);
        (StatusCode::CREATED, reply)
    }

    pub fn add_forum(&self, forum: &str, tags: &[(&str, &str)]) {
        let tags = tags
            .iter()
            .map(|(i, n)| ((*i).to_string(), (*n).to_string()))
            .collect();
        self.forums.lock().unwrap().insert(forum.to_string(), tags);
    }

    pub fn require_tag(&self, forum: &str) {
        self.require_tag.lock().unwrap().push(forum.to_string());
    }

    pub fn lose_answers(&self, forum: &str, n: u32) {
        self.lost.lock().unwrap().insert(forum.to_string(), n);
    }

    /// GET /channels/{id} of a forum: type 15 and its tags.
    pub fn forum_info(&self, forum: &str) -> Option<Value> {
        let forums = self.forums.lock().unwrap();
        let tags = forums.get(forum)?;
        let tags: Vec<Value> = tags
            .iter()
            .map(|(id, name)| json!({"id": id, "name": name, "moderated": false, "emoji_id": null, "emoji_name": null}))
            .collect();
        let flags = if self.require_tag.lock().unwrap().iter().any(|f| f == forum) {
            16
        } else {
            0
        };
        Some(json!({
            "id": forum, "type": 15, "name": "layoffs", "guild_id": super::fake_discord::GUILD_A,
            "position": 1, "permission_overwrites": [], "available_tags": tags, "flags": flags
        }))
    }

    /// POST /channels/{forum}/threads: the post (thread) to create with id `id`, and
    /// whether its answer is to be lost; or Discord's refusal.
    pub fn create_post(
        &self,
        forum: &str,
        id: &str,
        body: &Value,
    ) -> Result<(Value, bool), Answer> {
        let forums = self.forums.lock().unwrap();
        let Some(tags) = forums.get(forum) else {
            return Err(bad("Cannot execute action on this channel type", 50_024));
        };
        if body["message"]["embeds"]
            .as_array()
            .is_none_or(Vec::is_empty)
        {
            return Err(bad("Invalid Form Body: message", 50_035));
        }
        let applied: Vec<String> = body["applied_tags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect();
        let required = self.require_tag.lock().unwrap().iter().any(|f| f == forum);
        if required && applied.is_empty() {
            return Err(bad(
                "A tag is required to create a forum post in this channel",
                40_067,
            ));
        }
        if applied.len() > 5 || applied.iter().any(|a| !tags.iter().any(|(id, _)| id == a)) {
            return Err(bad("Invalid Form Body: applied_tags", 50_035));
        }
        let mut thread = named(id, forum, body)?;
        thread.applied_tags = applied;
        let reply = thread.json(11);
        self.by_id.lock().unwrap().insert(id.to_string(), thread);
        let mut lost = self.lost.lock().unwrap();
        let answer_lost = lost.get(forum).is_some_and(|n| *n > 0);
        if answer_lost {
            *lost.get_mut(forum).unwrap() -= 1;
        }
        Ok((reply, answer_lost))
    }

    /// GET /guilds/{guild}/threads/active.
    pub fn active(&self) -> Value {
        let threads = self.by_id.lock().unwrap();
        let active: Vec<Value> = threads
            .values()
            .filter(|t| !t.archived)
            .map(|t| t.json(11))
            .collect();
        json!({"threads": active, "members": []})
    }

    /// PATCH /channels/{thread}: name, locked, archived. None: no such thread.
    pub fn patch(&self, id: &str, body: &Value) -> Option<Answer> {
        let mut threads = self.by_id.lock().unwrap();
        let t = threads.get_mut(id)?;
        if let Some(name) = body["name"].as_str() {
            if name.is_empty() || name.chars().count() > 100 {
                return Some(bad("Invalid Form Body: name", 50_035));
            }
            t.name = name.to_string();
        }
        if let Some(locked) = body["locked"].as_bool() {
            t.locked = locked;
        }
        if let Some(archived) = body["archived"].as_bool() {
            t.archived = archived;
        }
        Some((StatusCode::OK, t.json(11)))
    }

    /// Whether `channel` is an archived thread (its messages cannot be edited).
    pub fn archived(&self, channel: &str) -> bool {
        self.by_id
            .lock()
            .unwrap()
            .get(channel)
            .is_some_and(|t| t.archived)
    }

    /// The threads whose parent is `channel`, oldest first.
    pub fn in_channel(&self, channel: &str) -> Vec<Thread> {
        let threads = self.by_id.lock().unwrap();
        let mut found: Vec<Thread> = threads
            .values()
            .filter(|t| t.parent == channel)
            .cloned()
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        found
    }
}

/// A new thread from a body's name and archive time, as Discord checks them.
fn named(id: &str, parent: &str, body: &Value) -> Result<Thread, Answer> {
    let name = body["name"].as_str().unwrap_or_default().to_string();
    let archive = body["auto_archive_duration"].as_u64().unwrap_or(4320);
    if name.is_empty() || name.chars().count() > 100 || ![60, 1440, 4320, 10080].contains(&archive)
    {
        return Err(bad("Invalid Form Body", 50_035));
    }
    Ok(Thread {
        id: id.to_string(),
        parent: parent.to_string(),
        name,
        auto_archive_duration: archive,
        applied_tags: Vec::new(),
        locked: false,
        archived: false,
    })
}
