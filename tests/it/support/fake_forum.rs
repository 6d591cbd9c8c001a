//! The fake Discord's threads: public threads opened under messages (Discord answers 160004
//! when a message already has one), kept per parent channel.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::http::StatusCode;
use serde_json::{Value, json};

/// A thread the bot opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    pub id: String,
    pub parent: String,
    pub name: String,
    pub auto_archive_duration: u64,
}

#[derive(Default)]
pub struct Threads {
    /// By thread id (the message's id for a thread under a message).
    threads: Mutex<HashMap<String, Thread>>,
}

impl Threads {
    /// POST /channels/{channel}/messages/{message}/threads.
    pub fn open_under(&self, channel: &str, message: &str, body: &Value) -> (StatusCode, Value) {
        let mut threads = self.threads.lock().unwrap();
        if threads.contains_key(message) {
            return (
                StatusCode::BAD_REQUEST,
                json!({"message": "A thread has already been created for this message", "code": 160_004}),
            );
        }
        let name = body["name"].as_str().unwrap_or_default().to_string();
        let archive = body["auto_archive_duration"].as_u64().unwrap_or(4320);
        if name.is_empty()
            || name.chars().count() > 100
            || ![60, 1440, 4320, 10080].contains(&archive)
        {
            return (
                StatusCode::BAD_REQUEST,
                json!({"message": "Invalid Form Body", "code": 50035}),
            );
        }
        let thread = Thread {
            id: message.to_string(),
            parent: channel.to_string(),
            name: name.clone(),
            auto_archive_duration: archive,
        };
        threads.insert(message.to_string(), thread);
        (
            StatusCode::CREATED,
            json!({
                "id": message, "type": 11, "parent_id": channel, "name": name,
                "thread_metadata": {"archived": false, "auto_archive_duration": archive,
                                    "archive_timestamp": "2026-01-01T00:00:00.000000+00:00",
                                    "locked": false}
            }),
        )
    }

    /// The threads opened under messages of `channel`.
    pub fn in_channel(&self, channel: &str) -> Vec<Thread> {
        let threads = self.threads.lock().unwrap();
        let mut found: Vec<Thread> = threads
            .values()
            .filter(|t| t.parent == channel)
            .cloned()
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        found
    }
}
