//! A fake Discord on 127.0.0.1 for end-to-end tests: the REST API the bot uses (through
//! `DISCORD_API_URL`) and a gateway WebSocket, with payloads as Discord documents them. Tests
//! inject gateway events and wait for the requests the bot makes; nothing sleeps.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc};

use super::multipart::{self, Attached};

pub const APP_ID: &str = "900000000000000001";
pub const BOT_ID: &str = "900000000000000001";
pub const GUILD_A: &str = "800000000000000001";
pub const GUILD_B: &str = "800000000000000002";
pub const CHANNEL: &str = "700000000000000001";
pub const OTHER_CHANNEL: &str = "700000000000000002";
pub const MOD_USER: &str = "600000000000000001";
pub const PLAIN_USER: &str = "600000000000000002";
/// Manage Server.
pub const MANAGE_GUILD: u64 = 1 << 5;
/// View Channel, Send Messages, Embed Links.
pub const CAN_POST: u64 = (1 << 10) | (1 << 11) | (1 << 14);
/// Create Public Threads and Send Messages in Threads.
pub const THREADS: u64 = (1 << 35) | (1 << 38);

/// One REST call the bot made.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// The JSON body, or a multipart body's `payload_json`.
    pub body: Value,
    /// A multipart body's files.
    pub files: Vec<Attached>,
}

/// A fault a channel's message endpoint answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Always this status (403, 404).
    Status(u16),
    /// The next `n` posts get a 500.
    ServerErrors(u32),
    /// The next `n` posts get a per-route 429.
    RouteLimited(u32),
    /// The next `n` posts get a global 429.
    GlobalLimited(u32),
    /// A DM channel whose person closed their DMs: 403 with code 50007.
    ClosedDms,
}

/// Posts the fake accepted, and how it limited the bot.
#[derive(Default)]
struct Messages {
    /// channel -> posted message bodies (a nonce seen again is not posted again).
    by_channel: HashMap<String, Vec<Value>>,
    nonces: HashMap<(String, String), String>,
    /// Start times of message posts in the last second, for the global limit.
    window: std::collections::VecDeque<tokio::time::Instant>,
    /// 429s the fake gave because the bot went over 50 requests in a second.
    over_limit: u32,
    faults: HashMap<String, Fault>,
    next_id: u64,
}

#[derive(Default)]
struct Inner {
    messages: Mutex<Messages>,
    /// Enforce Discord's 50 requests per second on message posts.
    enforce_limit: std::sync::atomic::AtomicBool,
    requests: Mutex<Vec<Recorded>>,
    changed: Notify,
    gateway: Mutex<Option<mpsc::UnboundedSender<Value>>>,
    seq: AtomicU64,
    ids: AtomicU64,
    /// Permissions of the bot's role per channel, for GET /channels and /guilds/.../roles.
    channel_denies: Mutex<HashMap<String, u64>>,
    /// Crossposts still to refuse with a 429, per channel (publishing has its own limit).
    crosspost_limits: Mutex<HashMap<String, u32>>,
    addr: Mutex<Option<SocketAddr>>,
    /// The gateway refuses connections (Discord down), and how many it refused.
    gateway_down: std::sync::atomic::AtomicBool,
    refused: AtomicU64,
    /// More guilds the bot is in (capacity benchmarks): sent as GUILD_CREATE after READY.
    extra_guilds: AtomicU64,
    threads: super::fake_forum::Threads,
    /// Callbacks awaited by [`FakeDiscord::interact_timed`], by path.
    answers: Mutex<HashMap<String, tokio::sync::oneshot::Sender<()>>>,
}

#[derive(Clone)]
pub struct FakeDiscord {
    inner: Arc<Inner>,
    pub url: String,
}

impl FakeDiscord {
    pub async fn start() -> Self {
        let inner = Arc::new(Inner::default());
        inner.ids.store(1_000_000_000_000_000_000, Ordering::SeqCst);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        *inner.addr.lock().unwrap() = Some(addr);
        let app = Router::new()
            .route("/gateway", get(gateway))
            .route("/api/v10/{*rest}", any(rest))
            .with_state(Arc::clone(&inner));
        // As Discord's servers do: without it, Nagle holds a gateway frame for the bot's
        // delayed ACK (about 40 ms) now and then, and the bot seems that slow.
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            inner,
            url: format!("http://{addr}"),
        }
    }

    /// Makes GET /channels/{id} carry an overwrite denying `deny` to @everyone there.
    pub fn deny_in_channel(&self, channel: &str, deny: u64) {
        self.inner
            .channel_denies
            .lock()
            .unwrap()
            .insert(channel.to_string(), deny);
    }

    /// Answers message posts in `channel` with `fault`.
    pub fn fault(&self, channel: &str, fault: Fault) {
        self.inner
            .messages
            .lock()
            .unwrap()
            .faults
            .insert(channel.to_string(), fault);
    }

    /// Refuses the next `n` crossposts in `channel` with a 429 of the crosspost route.
    pub fn limit_crossposts(&self, channel: &str, n: u32) {
        self.inner
            .crosspost_limits
            .lock()
            .unwrap()
            .insert(channel.to_string(), n);
    }

    /// Turns on the global limit of 50 message posts in any second.
    pub fn enforce_global_limit(&self) {
        self.inner.enforce_limit.store(true, Ordering::SeqCst);
    }

    /// Messages posted per channel (each nonce once, as Discord's enforce_nonce does).
    /// Threads the bot opened under messages of `channel`, or posts in forum `channel`.
    pub fn threads(&self, channel: &str) -> Vec<super::fake_forum::Thread> {
        self.inner.threads.in_channel(channel)
    }

    /// Makes `forum` a forum channel with `tags` (id, name).
    pub fn add_forum(&self, forum: &str, tags: &[(&str, &str)]) {
        self.inner.threads.add_forum(forum, tags);
    }

    /// Makes `forum` require a tag on every post.
    pub fn require_tag(&self, forum: &str) {
        self.inner.threads.require_tag(forum);
    }

    /// The next `n` forum posts in `forum` are made but answered with a 500.
    pub fn lose_forum_answers(&self, forum: &str, n: u32) {
        self.inner.threads.lose_answers(forum, n);
    }

    pub fn posts(&self) -> HashMap<String, Vec<Value>> {
        self.inner.messages.lock().unwrap().by_channel.clone()
    }

    /// How often the bot went over the global limit.
    pub fn over_limit(&self) -> u32 {
        self.inner.messages.lock().unwrap().over_limit
    }

    /// Waits until `pred` holds for the posts (checked after every request).
    pub async fn wait_for_posts(
        &self,
        what: &str,
        pred: impl Fn(&HashMap<String, Vec<Value>>) -> bool,
    ) {
        let wait = async {
            loop {
                let notified = self.inner.changed.notified();
                if pred(&self.posts()) {
                    return;
                }
                notified.await;
            }
        };
        if tokio::time::timeout(Duration::from_mins(1), wait)
            .await
            .is_err()
        {
            panic!(
                "timed out waiting for {what}; posts: {:?}",
                self.posts()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.len()))
                    .collect::<Vec<_>>()
            );
        }
    }

    /// Closes the gateway connection, as Discord does at times; the bot must reconnect.
    pub fn disconnect(&self) {
        let sender = self.inner.gateway.lock().unwrap().take();
        if let Some(tx) = sender {
            let _ = tx.send(json!({"__close": true}));
        }
    }

    /// The bot is in `n` more guilds (20 channels and 10 roles each), streamed after READY.
    pub fn with_guilds(&self, n: u64) {
        self.inner.extra_guilds.store(n, Ordering::SeqCst);
    }

    /// Injects an interaction and waits for its callback, without keeping the wait in the
    /// request log's watchers (so thousands can be outstanding): how long the answer took.
    pub async fn interact_timed(&self, mut interaction: Value) -> Duration {
        let id = self.next_id();
        interaction["id"] = json!(id);
        interaction["token"] = json!(format!("token-{id}"));
        let path = format!("/api/v10/interactions/{id}/token-{id}/callback");
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.inner.answers.lock().unwrap().insert(path, tx);
        let started = std::time::Instant::now();
        self.dispatch("INTERACTION_CREATE", interaction);
        let _ = rx.await;
        started.elapsed()
    }

    /// Closes the gateway and refuses every connection until [`Self::start_gateway`].
    pub fn stop_gateway(&self) {
        self.inner.gateway_down.store(true, Ordering::SeqCst);
        self.disconnect();
    }

    pub fn start_gateway(&self) {
        self.inner.gateway_down.store(false, Ordering::SeqCst);
    }

    /// Waits until the gateway has refused a connection since it was stopped.
    pub async fn wait_refused(&self) {
        let wait = async {
            loop {
                let notified = self.inner.changed.notified();
                if self.inner.refused.load(Ordering::SeqCst) > 0 {
                    return;
                }
                notified.await;
            }
        };
        tokio::time::timeout(Duration::from_mins(1), wait)
            .await
            .expect("the bot tries to reconnect");
    }

    /// Waits until the bot is connected to the gateway again after [`Self::disconnect`].
    pub async fn wait_connected(&self) {
        let wait = async {
            loop {
                let notified = self.inner.changed.notified();
                if self.inner.gateway.lock().unwrap().is_some() {
                    return;
                }
                notified.await;
            }
        };
        tokio::time::timeout(Duration::from_mins(1), wait)
            .await
            .expect("the bot reconnects");
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.inner.requests.lock().unwrap().clone()
    }

    /// Waits (up to a minute: CI machines can be slow) for a request that `pred` accepts.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&Recorded) -> bool) -> Recorded {
        let wait = async {
            loop {
                let notified = self.inner.changed.notified();
                if let Some(r) = self.requests().into_iter().find(|r| pred(r)) {
                    return r;
                }
                notified.await;
            }
        };
        match tokio::time::timeout(Duration::from_mins(1), wait).await {
            Ok(r) => r,
            Err(_) => panic!(
                "timed out waiting for {what}; requests: {:#?}",
                self.requests()
            ),
        }
    }

    /// Waits until the bot has connected and registered its commands; returns them.
    pub async fn wait_until_ready(&self) -> Value {
        let put = self
            .wait_for("command registration", |r| {
                r.method == "PUT" && r.path.ends_with("/commands")
            })
            .await;
        put.body
    }

    fn next_id(&self) -> String {
        self.inner.ids.fetch_add(1, Ordering::SeqCst).to_string()
    }

    /// Sends a gateway dispatch event to the connected bot.
    pub fn dispatch(&self, event: &str, data: Value) {
        let seq = self.inner.seq.fetch_add(1, Ordering::SeqCst) + 1;
        let payload = json!({"op": 0, "s": seq, "t": event, "d": data});
        let sender = self.inner.gateway.lock().unwrap().clone();
        sender
            .expect("the bot is connected")
            .send(payload)
            .expect("gateway open");
    }

    /// Injects an interaction and waits for the bot's answer to it (the callback body).
    pub async fn interact(&self, interaction: Value) -> Value {
        self.interact_recorded(interaction).await.body
    }

    /// [`Self::interact`], with the files the answer carried.
    pub async fn interact_recorded(&self, mut interaction: Value) -> Recorded {
        let id = self.next_id();
        interaction["id"] = json!(id);
        interaction["token"] = json!(format!("token-{id}"));
        self.dispatch("INTERACTION_CREATE", interaction);
        let path = format!("/api/v10/interactions/{id}/token-{id}/callback");
        self.wait_for(&format!("the answer to interaction {id}"), |r| {
            r.path == path
        })
        .await
    }
}

async fn rest(
    State(inner): State<Arc<Inner>>,
    Path(rest): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let (body, files) = match multipart::boundary(content_type) {
        Some(b) => multipart::parse(&body, &b),
        None => (
            serde_json::from_slice(&body).unwrap_or(Value::Null),
            Vec::new(),
        ),
    };
    let path = uri.path().to_string();
    let segments: Vec<&str> = rest.split('/').collect();
    let addr = inner.addr.lock().unwrap().expect("bound");
    let ok = |v: Value| (StatusCode::OK, Some(v));
    let (status, reply) = match (method.as_str(), segments.as_slice()) {
        ("GET", ["gateway"]) => ok(json!({"url": format!("ws://{addr}/gateway")})),
        ("GET", ["gateway", "bot"]) => ok(json!({
            "url": format!("ws://{addr}/gateway"),
            "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        })),
        ("GET", ["users", "@me"]) => ok(
            json!({"id": BOT_ID, "username": "layoffs-bot", "discriminator": "0000", "bot": true}),
        ),
        ("PUT", ["applications", _, .., "commands"]) => ok(registered(&body)),
        ("POST", ["users", "@me", "channels"]) => {
            let user = body["recipient_id"].as_str().unwrap_or_default();
            ok(
                json!({"id": dm_channel(user), "type": 1, "last_message_id": null,
                      "recipients": [{"id": user, "username": "someone", "discriminator": "0"}]}),
            )
        }
        ("POST", ["interactions", _, _, "callback"]) => {
            if let Some(waiting) = inner.answers.lock().unwrap().remove(&path) {
                let _ = waiting.send(());
                return StatusCode::NO_CONTENT.into_response();
            }
            (StatusCode::NO_CONTENT, None)
        }
        ("POST" | "PATCH" | "GET", ["webhooks", ..]) => ok(message(&body, CHANNEL)),
        ("PATCH", ["channels", channel, "messages", message]) => {
            edit_message(&inner, channel, message, &body)
        }

        ("POST", ["channels", channel, "messages"]) => {
            let (status, reply) = post_message(&inner, channel, &body);
            let response = with_rate_limit_headers(status, &reply);
            inner.requests.lock().unwrap().push(Recorded {
                method: method.to_string(),
                path,
                body,
                files,
            });
            inner.changed.notify_waiters();
            return response;
        }
        ("POST", ["channels", channel, "messages", posted, "crosspost"]) => {
            crosspost(&inner, channel, posted)
        }
        ("GET", ["channels", channel, "messages"]) => ok(history(&inner, channel)),
        ("GET", ["channels", channel]) => ok(channel_info(&inner, channel)),
        ("GET", ["guilds", guild, "roles"]) => ok(json!([role(guild, CAN_POST | THREADS)])),
        ("GET", ["guilds", _, "members", user]) => ok(json!({
            "user": {"id": user, "username": "layoffs-bot", "discriminator": "0000", "bot": true},
            "roles": [], "joined_at": "2024-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0
        })),
        (method, segments) => thread_route(&inner, method, segments, &body).unwrap_or((
            StatusCode::NOT_FOUND,
            Some(json!({"message": "Unknown route", "code": 0})),
        )),
    };
    let response = match reply {
        Some(v) => (status, axum::Json(v)).into_response(),
        None => status.into_response(),
    };
    inner.requests.lock().unwrap().push(Recorded {
        method: method.to_string(),
        path,
        body,
        files,
    });
    inner.changed.notify_waiters();
    response
}

/// The commands a PUT registers, as Discord echoes them (ids, application, version, type).
fn registered(body: &Value) -> Value {
    let commands = body.as_array().cloned().unwrap_or_default();
    let echoed = commands.into_iter().enumerate().map(|(i, mut c)| {
        c["id"] = json!(format!("50000000000000000{i}"));
        c["application_id"] = json!(APP_ID);
        c["version"] = json!("1");
        if c.get("type").is_none() {
            c["type"] = json!(1);
        }
        c
    });
    Value::Array(echoed.collect())
}

/// PATCH of a posted message: its embeds replaced; 10008 for an unknown one.
fn edit_message(
    inner: &Inner,
    channel: &str,
    message: &str,
    body: &Value,
) -> (StatusCode, Option<Value>) {
    if inner.threads.archived(channel) {
        return (
            StatusCode::BAD_REQUEST,
            Some(json!({"message": "Thread is archived", "code": 50_083})),
        );
    }
    let mut m = inner.messages.lock().unwrap();
    let found = m
        .by_channel
        .get_mut(channel)
        .and_then(|posts| posts.iter_mut().find(|p| p["id"] == *message));
    match found {
        Some(post) => {
            post["embeds"] = body["embeds"].clone();
            (StatusCode::OK, Some(post.clone()))
        }
        None => (
            StatusCode::NOT_FOUND,
            Some(json!({"message": "Unknown Message", "code": 10008})),
        ),
    }
}

/// A post's answer, with Discord's rate-limit headers on a 429.
fn with_rate_limit_headers(status: StatusCode, reply: &Value) -> Response {
    let mut response = (status, axum::Json(reply.clone())).into_response();
    if status == StatusCode::TOO_MANY_REQUESTS {
        let headers = response.headers_mut();
        let after = reply["retry_after"].as_f64().unwrap_or(1.0);
        headers.insert("retry-after", after.ceil().to_string().parse().unwrap());
        if reply["global"] == true {
            headers.insert("x-ratelimit-global", "true".parse().unwrap());
            headers.insert("x-ratelimit-scope", "global".parse().unwrap());
        } else {
            headers.insert("x-ratelimit-scope", "user".parse().unwrap());
        }
    }
    response
}

/// Publishing a post: a 429 while the channel's scripted limit lasts, then the message.
fn crosspost(inner: &Inner, channel: &str, posted: &str) -> (StatusCode, Option<Value>) {
    let mut limits = inner.crosspost_limits.lock().unwrap();
    match limits.get_mut(channel) {
        Some(n) if *n > 0 => {
            *n -= 1;
            (
                StatusCode::TOO_MANY_REQUESTS,
                Some(
                    json!({"message": "You are being rate limited.", "retry_after": 0.05, "global": false}),
                ),
            )
        }
        _ => {
            let mut shown = message(&json!({}), channel);
            shown["id"] = json!(posted);
            (StatusCode::OK, Some(shown))
        }
    }
}

/// The channel's history, newest first, as GET messages?limit=50 gives it.
fn history(inner: &Inner, channel: &str) -> Value {
    let m = inner.messages.lock().unwrap();
    let posts = m.by_channel.get(channel).cloned().unwrap_or_default();
    let history = posts.iter().rev().take(50).map(|stored| {
        let mut shown = message(stored, channel);
        shown["id"] = stored["id"].clone();
        shown
    });
    Value::Array(history.collect())
}

/// GET of a channel: a text channel of guild A, with the overwrite a test set.
fn channel_info(inner: &Inner, channel: &str) -> Value {
    let deny = inner
        .channel_denies
        .lock()
        .unwrap()
        .get(channel)
        .copied()
        .unwrap_or(0);
    let overwrites = json!([{"id": GUILD_A, "type": 0, "allow": "0", "deny": deny.to_string()}]);
    if let Some(mut forum) = inner.threads.forum_info(channel) {
        forum["permission_overwrites"] = overwrites;
        return forum;
    }
    json!({
        "id": channel, "type": 0, "name": "news", "guild_id": GUILD_A, "position": 1,
        "permission_overwrites": overwrites
    })
}

/// Threads and forums: threads under messages, forum posts, active threads, a thread's
/// name and state, one message (a forum post's first).
fn thread_route(
    inner: &Inner,
    method: &str,
    segments: &[&str],
    body: &Value,
) -> Option<(StatusCode, Option<Value>)> {
    let threads = &inner.threads;
    Some(match (method, segments) {
        ("POST", ["channels", channel, "messages", posted, "threads"]) => {
            let (status, reply) = threads.open_under(channel, posted, body);
            (status, Some(reply))
        }
        ("POST", ["channels", forum, "threads"]) => forum_post(inner, forum, body),
        ("GET", ["guilds", _, "threads", "active"]) => (StatusCode::OK, Some(threads.active())),
        ("PATCH", ["channels", thread]) => match threads.patch(thread, body) {
            Some((status, reply)) => (status, Some(reply)),
            None => (
                StatusCode::NOT_FOUND,
                Some(json!({"message": "Unknown Channel", "code": 10_003})),
            ),
        },
        ("GET", ["channels", channel, "messages", id]) => one_message(inner, channel, id),
        _ => return None,
    })
}

/// A new forum post: the thread, its first message kept under the thread's id; a 500 instead
/// of the answer while the forum's answers are to be lost.
fn forum_post(inner: &Inner, forum: &str, body: &Value) -> (StatusCode, Option<Value>) {
    let mut m = inner.messages.lock().unwrap();
    m.next_id += 1;
    let id = format!("{}", 310_000_000_000_000_000u64 + m.next_id);
    let (mut thread, lose) = match inner.threads.create_post(forum, &id, body) {
        Ok(created) => created,
        Err((status, reply)) => return (status, Some(reply)),
    };
    let mut first = body["message"].clone();
    first["id"] = json!(id);
    first["channel_id"] = json!(id);
    first["author"] =
        json!({"id": BOT_ID, "username": "layoffs-bot", "discriminator": "0000", "bot": true});
    m.by_channel
        .entry(id.clone())
        .or_default()
        .push(first.clone());
    if lose {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            Some(json!({"message": "500: Internal Server Error", "code": 0})),
        );
    }
    thread["message"] = first;
    (StatusCode::CREATED, Some(thread))
}

/// GET of one message.
fn one_message(inner: &Inner, channel: &str, id: &str) -> (StatusCode, Option<Value>) {
    let m = inner.messages.lock().unwrap();
    let found = m
        .by_channel
        .get(channel)
        .and_then(|posts| posts.iter().find(|p| p["id"] == *id));
    match found {
        Some(post) => (StatusCode::OK, Some(post.clone())),
        None => (
            StatusCode::NOT_FOUND,
            Some(json!({"message": "Unknown Message", "code": 10_008})),
        ),
    }
}

/// Discord's message endpoint: the global limit, injected faults, enforce_nonce.
fn post_message(inner: &Inner, channel: &str, body: &Value) -> (StatusCode, Value) {
    let mut m = inner.messages.lock().unwrap();
    let now = tokio::time::Instant::now();
    while m
        .window
        .front()
        .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
    {
        m.window.pop_front();
    }
    if inner.enforce_limit.load(Ordering::SeqCst) && m.window.len() >= 50 {
        m.over_limit += 1;
        let wait = Duration::from_secs(1).saturating_sub(now.duration_since(m.window[0]));
        return (
            StatusCode::TOO_MANY_REQUESTS,
            json!({"message": "You are being rate limited.", "retry_after": wait.as_secs_f64(), "global": true}),
        );
    }
    m.window.push_back(now);
    let limited = |global: bool| {
        (
            StatusCode::TOO_MANY_REQUESTS,
            json!({"message": "You are being rate limited.", "retry_after": 0.05, "global": global}),
        )
    };
    match m.faults.get(channel).copied() {
        Some(Fault::ClosedDms) => {
            return (
                StatusCode::FORBIDDEN,
                json!({"message": "Cannot send messages to this user", "code": 50007}),
            );
        }
        Some(Fault::Status(403)) => {
            return (
                StatusCode::FORBIDDEN,
                json!({"message": "Missing Access", "code": 50001}),
            );
        }
        Some(Fault::Status(404)) => {
            return (
                StatusCode::NOT_FOUND,
                json!({"message": "Unknown Channel", "code": 10003}),
            );
        }
        Some(Fault::Status(code)) => {
            return (
                StatusCode::from_u16(code).unwrap(),
                json!({"message": "fault", "code": 0}),
            );
        }
        Some(Fault::ServerErrors(n)) if n > 0 => {
            m.faults
                .insert(channel.to_string(), Fault::ServerErrors(n - 1));
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"message": "500: Internal Server Error", "code": 0}),
            );
        }
        Some(Fault::RouteLimited(n)) if n > 0 => {
            m.faults
                .insert(channel.to_string(), Fault::RouteLimited(n - 1));
            return limited(false);
        }
        Some(Fault::GlobalLimited(n)) if n > 0 => {
            m.faults
                .insert(channel.to_string(), Fault::GlobalLimited(n - 1));
            return limited(true);
        }
        _ => {}
    }
    let nonce = body["nonce"].as_str().map(str::to_string);
    if let Some(nonce) = &nonce
        && body["enforce_nonce"] == true
        && let Some(id) = m.nonces.get(&(channel.to_string(), nonce.clone()))
    {
        let mut existing = message(body, channel);
        existing["id"] = json!(id);
        return (StatusCode::OK, existing);
    }
    m.next_id += 1;
    let id = format!("{}", 300_000_000_000_000_000u64 + m.next_id);
    if let Some(nonce) = nonce {
        m.nonces.insert((channel.to_string(), nonce), id.clone());
    }
    let mut stored = body.clone();
    stored["id"] = json!(id);
    m.by_channel
        .entry(channel.to_string())
        .or_default()
        .push(stored);
    let mut created = message(body, channel);
    created["id"] = json!(id);
    (StatusCode::OK, created)
}

fn role(id: &str, permissions: u64) -> Value {
    json!({
        "id": id, "name": "@everyone", "color": 0, "colors": {"primary_color": 0}, "hoist": false,
        "position": 0, "permissions": permissions.to_string(), "managed": false, "mentionable": false
    })
}

fn message(body: &Value, channel: &str) -> Value {
    json!({
        "id": "400000000000000001", "channel_id": channel,
        "author": {"id": BOT_ID, "username": "layoffs-bot", "discriminator": "0000", "bot": true},
        "content": body.get("content").cloned().unwrap_or(json!("")),
        "timestamp": "2026-11-26T12:00:00.000000+00:00", "tts": false, "mention_everyone": false,
        "mentions": [], "mention_roles": [], "attachments": [],
        "embeds": body.get("embeds").cloned().unwrap_or(json!([])),
        "pinned": false, "type": 0
    })
}

async fn gateway(State(inner): State<Arc<Inner>>, ws: WebSocketUpgrade) -> Response {
    if inner.gateway_down.load(Ordering::SeqCst) {
        inner.refused.fetch_add(1, Ordering::SeqCst);
        inner.changed.notify_waiters();
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    ws.on_upgrade(move |socket| session(inner, socket))
}

async fn session(inner: Arc<Inner>, mut socket: WebSocket) {
    let hello = json!({"op": 10, "s": null, "t": null, "d": {"heartbeat_interval": 41250}});
    if socket
        .send(Message::Text(hello.to_string().into()))
        .await
        .is_err()
    {
        return;
    }
    let (tx, mut rx) = mpsc::unbounded_channel::<Value>();
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let Some(Ok(Message::Text(text))) = incoming else {
                    if matches!(incoming, Some(Ok(_))) { continue; }
                    return;
                };
                let Ok(payload) = serde_json::from_str::<Value>(&text) else { continue };
                match payload["op"].as_u64() {
                    Some(1) => {
                        let ack = json!({"op": 11, "s": null, "t": null, "d": null});
                        let _ = socket.send(Message::Text(ack.to_string().into())).await;
                    }
                    Some(2 | 6) if payload["op"] == 6 => {
                        let seq = inner.seq.fetch_add(1, Ordering::SeqCst) + 1;
                        let resumed = json!({"op": 0, "s": seq, "t": "RESUMED", "d": {}});
                        *inner.gateway.lock().unwrap() = Some(tx.clone());
                        inner.changed.notify_waiters();
                        let _ = socket.send(Message::Text(resumed.to_string().into())).await;
                    }
                    Some(2) => {
                        // A new session numbers its events from 1.
                        inner.seq.store(0, Ordering::SeqCst);
                        let seq = inner.seq.fetch_add(1, Ordering::SeqCst) + 1;
                        let addr = inner.addr.lock().unwrap().expect("bound");
                        let ready = json!({"op": 0, "s": seq, "t": "READY", "d": {
                            "v": 10,
                            "user": {"id": BOT_ID, "username": "layoffs-bot", "discriminator": "0000", "bot": true, "avatar": null},
                            "guilds": [{"id": GUILD_A, "unavailable": true}, {"id": GUILD_B, "unavailable": true}],
                            "session_id": "fake-session",
                            "resume_gateway_url": format!("ws://{addr}/gateway"),
                            "application": {"id": APP_ID, "flags": 0}
                        }});
                        *inner.gateway.lock().unwrap() = Some(tx.clone());
                        let _ = socket.send(Message::Text(ready.to_string().into())).await;
                        for i in 0..inner.extra_guilds.load(Ordering::SeqCst) {
                            let seq = inner.seq.fetch_add(1, Ordering::SeqCst) + 1;
                            let event = json!({"op": 0, "s": seq, "t": "GUILD_CREATE", "d": big_guild(i)});
                            let _ = socket.send(Message::Text(event.to_string().into())).await;
                        }
                        inner.changed.notify_waiters();
                    }
                    _ => {}
                }
            }
            Some(out) = rx.recv() => {
                if out.get("__close").is_some() {
                    let _ = socket.send(Message::Close(Some(axum::extract::ws::CloseFrame { code: 4000, reason: "reconnect".into() }))).await;
                    return;
                }
                if socket.send(Message::Text(out.to_string().into())).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// Guild `i` of a capacity benchmark: 20 text channels and 10 roles (the first, @everyone,
/// allowing nothing), and the bot as its member, as GUILD_CREATE has it. Its id is
/// 900000000000000000 + 100 i; its channels' ids follow from 20 on.
fn big_guild(i: u64) -> Value {
    let id = 900_000_000_000_000_000 + i * 100;
    let roles: Vec<Value> = (0..10)
        .map(|r| {
            json!({"id": (id + r).to_string(), "name": format!("role {r}"), "color": 0,
                   "colors": {"primary_color": 0}, "hoist": false, "position": r,
                   "permissions": "0", "managed": false})
        })
        .collect();
    let channels: Vec<Value> = (0..20)
        .map(|c| {
            json!({"id": (id + 20 + c).to_string(), "type": 0, "name": format!("channel-{c}"),
                   "guild_id": id.to_string(), "position": c, "permission_overwrites": []})
        })
        .collect();
    json!({
        "id": id.to_string(), "name": format!("Guild {i}"), "owner_id": "1",
        "verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
        "features": [], "mfa_level": 0, "system_channel_flags": 0, "premium_tier": 0,
        "preferred_locale": "en-US", "nsfw_level": 0, "premium_progress_bar_enabled": false,
        "emojis": [], "stickers": [], "roles": roles, "channels": channels,
        // The bot itself: with it cached, permissions are read from the cache, not asked.
        "members": [{"user": {"id": BOT_ID, "username": "layoffs-bot", "discriminator": "0000", "bot": true},
                     "roles": [], "deaf": false, "mute": false, "flags": 0,
                     "joined_at": "2024-01-01T00:00:00.000000+00:00"}],
        "joined_at": "2024-01-01T00:00:00.000000+00:00", "large": false,
        "member_count": 1, "voice_states": [], "threads": [], "presences": [],
        "stage_instances": [], "guild_scheduled_events": []
    })
}

/// A member of a guild with the given permission bits.
fn member(user: &str, permissions: u64) -> Value {
    json!({
        "user": {"id": user, "username": format!("user{}", &user[user.len() - 2..]), "discriminator": "0", "global_name": null, "avatar": null},
        "roles": [], "joined_at": "2024-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false,
        "flags": 0, "permissions": permissions.to_string()
    })
}

/// Where and by whom an interaction is made.
#[derive(Clone, Copy)]
pub struct Who<'a> {
    pub guild: &'a str,
    pub user: &'a str,
    pub permissions: u64,
    /// The bot's permissions in the channel.
    pub app_permissions: u64,
}

impl Who<'_> {
    pub const MOD_A: Who<'static> = Who {
        guild: GUILD_A,
        user: MOD_USER,
        permissions: MANAGE_GUILD,
        app_permissions: CAN_POST,
    };
    pub const MOD_B: Who<'static> = Who {
        guild: GUILD_B,
        user: MOD_USER,
        permissions: MANAGE_GUILD,
        app_permissions: CAN_POST,
    };
    pub const USER_A: Who<'static> = Who {
        guild: GUILD_A,
        user: PLAIN_USER,
        permissions: 0,
        app_permissions: CAN_POST,
    };
}

fn envelope(kind: u8, who: Who<'_>, data: Value) -> Value {
    json!({
        "application_id": APP_ID, "type": kind, "version": 1, "locale": "en-US", "guild_locale": "en-US",
        "entitlements": [], "attachment_size_limit": 8_388_608,
        "guild_id": who.guild, "channel_id": CHANNEL,
        "channel": {"id": CHANNEL, "type": 0, "name": "general", "guild_id": who.guild},
        "member": member(who.user, who.permissions),
        "app_permissions": who.app_permissions.to_string(),
        "data": data
    })
}

/// A slash command: `options` as Discord nests them (subcommands hold their own options).
pub fn slash(who: Who<'_>, name: &str, options: Value) -> Value {
    envelope(
        2,
        who,
        json!({"id": "500000000000000000", "name": name, "type": 1, "options": options}),
    )
}

/// A slash command with resolved channels (for channel options).
pub fn slash_with_channel(who: Who<'_>, name: &str, options: Value, channel: &str) -> Value {
    let mut i = slash(who, name, options);
    i["data"]["resolved"] = json!({"channels": {channel: {"id": channel, "type": 0, "name": "news", "permissions": "0"}}});
    i
}

/// An autocomplete request for `options` (one of which has "focused": true).
pub fn autocomplete(who: Who<'_>, name: &str, options: Value) -> Value {
    envelope(
        4,
        who,
        json!({"id": "500000000000000000", "name": name, "type": 1, "options": options}),
    )
}

/// A button press on a message of the bot.
pub fn button(who: Who<'_>, custom_id: &str) -> Value {
    let mut i = envelope(3, who, json!({"custom_id": custom_id, "component_type": 2}));
    i["message"] = json!({
        "id": "400000000000000001", "channel_id": CHANNEL,
        "author": {"id": BOT_ID, "username": "layoffs-bot", "discriminator": "0000", "bot": true},
        "content": "", "timestamp": "2026-11-26T12:00:00.000000+00:00", "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [],
        "embeds": [], "pinned": false, "type": 0,
        "components": [{"type": 1, "components": [{"type": 2, "style": 2, "custom_id": custom_id, "label": "x"}]}]
    });
    i
}

/// The DM channel the fake opens with a user (their id with a leading 5).
pub fn dm_channel(user: &str) -> String {
    format!("5{}", &user[1..])
}

/// A form (modal) submitted from a message of the bot: `fields` as (custom id, value).
pub fn modal_submit(who: Who<'_>, custom_id: &str, fields: &[(&str, &str)]) -> Value {
    let rows: Vec<Value> = fields
        .iter()
        .map(|(id, value)| json!({"type": 1, "components": [{"type": 4, "custom_id": id, "value": value}]}))
        .collect();
    let mut i = envelope(5, who, json!({"custom_id": custom_id, "components": rows}));
    i["message"] = button(who, "x")["message"].clone();
    i
}

/// A slash command in a DM with the bot.
pub fn dm_slash(name: &str, options: Value) -> Value {
    json!({
        "application_id": APP_ID, "type": 2, "version": 1, "locale": "en-US",
        "entitlements": [], "attachment_size_limit": 8_388_608,
        "channel_id": "700000000000000099",
        "channel": {"id": "700000000000000099", "type": 1, "recipients": [{"id": PLAIN_USER, "username": "someone", "discriminator": "0"}]},
        "user": {"id": PLAIN_USER, "username": "someone", "discriminator": "0", "global_name": null, "avatar": null},
        "app_permissions": CAN_POST.to_string(),
        "data": {"id": "500000000000000000", "name": name, "type": 1, "options": options}
    })
}
