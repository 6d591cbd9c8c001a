//! A fake Slack on 127.0.0.1: the Web API methods the bot calls (through `SLACK_API_URL`),
//! upload and `response_url` endpoints, and faults per channel (`ok: false` errors, 429s,
//! 5xx, answers lost after the post was kept). Tests send the bot requests signed as Slack
//! signs them and wait for the calls it makes; nothing sleeps.

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use hmac::{KeyInit, Mac};
use serde_json::{Value, json};
use tokio::sync::Notify;

pub const TEAM_A: &str = "TA0000001";
pub const TEAM_B: &str = "TB0000002";
/// The workspace that curates the global record (`SLACK_HOME_TEAM_ID`).
pub const HOME_TEAM: &str = "TH0000009";
pub const ADMIN: &str = "UADMIN001";
pub const MEMBER: &str = "UMEMBER01";
pub const LISTED: &str = "ULISTED01";
/// An admin of workspace A only (ADMIN is an org admin, in every workspace of the org).
pub const ADMIN_A: &str = "UADMINA01";
/// A channel of workspace B alone (other channels are shared across the org).
pub const B_ONLY: &str = "C0000BONLY";
pub const CHANNEL: &str = "C0000GEN";
pub const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
pub const APP_TOKEN: &str = "xapp-1-test";

/// One Web API call the bot made: method and arguments (JSON, or the form as JSON).
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub args: Value,
}

/// What the fake does to the next posts in a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// `ok: false` with this error, every time.
    Error(&'static str),
    /// 429 with `Retry-After: 1`.
    RateLimited,
    /// 500.
    ServerError,
    /// Keeps the post but the answer never arrives (500 after storing it).
    LostAnswer,
}

#[derive(Default)]
struct Inner {
    calls: Mutex<Vec<Call>>,
    /// channel -> messages, oldest first.
    messages: Mutex<HashMap<String, Vec<Value>>>,
    faults: Mutex<HashMap<String, VecDeque<Fault>>>,
    admins: Mutex<HashSet<String>>,
    /// Users who cannot get DMs from the bot (`conversations.open` says cannot_dm_bot).
    closed_dms: Mutex<HashSet<String>>,
    uploads: Mutex<HashMap<String, Vec<u8>>>,
    /// What arrived at response URLs.
    responses: Mutex<Vec<Value>>,
    changed: Notify,
    /// The bot's Socket Mode connection: what to send it, and what it sent.
    socket: Mutex<Option<tokio::sync::mpsc::UnboundedSender<Value>>>,
    from_socket: Mutex<Vec<Value>>,
    ts: AtomicU64,
    addr: Mutex<Option<SocketAddr>>,
}

#[derive(Clone)]
pub struct FakeSlack {
    inner: Arc<Inner>,
    /// The Web API base, for `SLACK_API_URL`.
    pub api_url: String,
    pub url: String,
}

impl FakeSlack {
    pub async fn start() -> Self {
        let inner = Arc::new(Inner::default());
        inner.ts.store(1_764_000_000_000_000, Ordering::SeqCst);
        inner.admins.lock().unwrap().insert(ADMIN.to_string());
        inner.admins.lock().unwrap().insert(ADMIN_A.to_string());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        *inner.addr.lock().unwrap() = Some(addr);
        let app = Router::new()
            .route("/api/{method}", post(api))
            .route("/upload/{file}", post(upload))
            .route("/respond/{n}", post(respond))
            .route("/socket", axum::routing::get(socket))
            .with_state(Arc::clone(&inner));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            inner,
            api_url: format!("http://{addr}/api"),
            url: format!("http://{addr}"),
        }
    }

    /// The next posts to `channel` meet these faults, in order.
    pub fn fault(&self, channel: &str, faults: &[Fault]) {
        let mut all = self.inner.faults.lock().unwrap();
        all.entry(channel.to_string())
            .or_default()
            .extend(faults.iter().cloned());
    }

    /// `user` no longer accepts DMs from the bot.
    pub fn close_dms(&self, user: &str) {
        self.inner
            .closed_dms
            .lock()
            .unwrap()
            .insert(user.to_string());
    }

    pub fn calls(&self, method: &str) -> Vec<Value> {
        let calls = self.inner.calls.lock().unwrap();
        calls
            .iter()
            .filter(|c| c.method == method)
            .map(|c| c.args.clone())
            .collect()
    }

    pub fn messages(&self, channel: &str) -> Vec<Value> {
        self.inner
            .messages
            .lock()
            .unwrap()
            .get(channel)
            .cloned()
            .unwrap_or_default()
    }

    pub fn responses(&self) -> Vec<Value> {
        self.inner.responses.lock().unwrap().clone()
    }

    pub fn uploaded(&self) -> Vec<Vec<u8>> {
        self.inner
            .uploads
            .lock()
            .unwrap()
            .values()
            .cloned()
            .collect()
    }

    /// Sends an envelope to the bot over Socket Mode; waits for its acknowledgement.
    pub async fn envelope(&self, envelope: Value) -> Value {
        let id = envelope["envelope_id"].clone();
        self.wait_for("a Socket Mode connection", |f| {
            f.inner.socket.lock().unwrap().is_some()
        })
        .await;
        let sender = self.inner.socket.lock().unwrap().clone().unwrap();
        sender.send(envelope).unwrap();
        self.wait_for("the acknowledgement", |f| {
            f.inner
                .from_socket
                .lock()
                .unwrap()
                .iter()
                .any(|m| m["envelope_id"] == id)
        })
        .await;
        let got = self.inner.from_socket.lock().unwrap().clone();
        got.into_iter().find(|m| m["envelope_id"] == id).unwrap()
    }

    /// A response URL of this fake.
    pub fn response_url(&self, n: u32) -> String {
        format!("{}/respond/{n}", self.url)
    }

    /// Waits until `pred` holds, on every change; a minute at most.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&Self) -> bool) {
        let wait = async {
            loop {
                let notified = self.inner.changed.notified();
                if pred(self) {
                    return;
                }
                notified.await;
            }
        };
        if tokio::time::timeout(Duration::from_mins(1), wait)
            .await
            .is_err()
        {
            panic!("timed out waiting for {what}");
        }
    }

    fn next_ts(&self) -> String {
        let n = self.inner.ts.fetch_add(1, Ordering::SeqCst);
        format!("{}.{:06}", n / 1_000_000, n % 1_000_000)
    }
}

fn ok(v: Value) -> Response {
    let mut v = v;
    v["ok"] = json!(true);
    axum::Json(v).into_response()
}

fn slack_error(code: &str) -> Response {
    axum::Json(json!({"ok": false, "error": code})).into_response()
}

/// The arguments of a call: JSON, or a form read as JSON strings.
fn args(headers: &HeaderMap, body: &Bytes) -> Value {
    let json = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if json {
        return serde_json::from_slice(body).unwrap_or(Value::Null);
    }
    let form: HashMap<String, String> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    json!(form)
}

async fn api(
    State(inner): State<Arc<Inner>>,
    Path(method): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let bearer = |token: &str| {
        headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == format!("Bearer {token}"))
    };
    // apps.connections.open takes the app-level token, everything else the bot's.
    let authorized = if method == "apps.connections.open" {
        bearer(APP_TOKEN)
    } else {
        bearer("xoxb-test-token")
    };
    let args = args(&headers, &body);
    inner.calls.lock().unwrap().push(Call {
        method: method.clone(),
        args: args.clone(),
    });
    let fake = FakeSlack {
        inner: Arc::clone(&inner),
        api_url: String::new(),
        url: String::new(),
    };
    let response = if authorized {
        answer(&fake, &method, &args)
    } else {
        slack_error("invalid_auth")
    };
    inner.changed.notify_waiters();
    response
}

fn answer(fake: &FakeSlack, method: &str, args: &Value) -> Response {
    let inner = &fake.inner;
    let addr = inner.addr.lock().unwrap().expect("bound");
    match method {
        "conversations.open" => {
            let user = args["users"].as_str().unwrap_or_default();
            if inner.closed_dms.lock().unwrap().contains(user) {
                return slack_error("cannot_dm_bot");
            }
            ok(json!({"channel": {"id": format!("D{user}")}}))
        }
        "users.info" => {
            let user = args["user"].as_str().unwrap_or_default();
            let admin = inner.admins.lock().unwrap().contains(user);
            let mut u =
                json!({"id": user, "team_id": TEAM_A, "is_admin": admin, "is_owner": false});
            if user != ADMIN_A {
                u["enterprise_user"] =
                    json!({"enterprise_id": "E0001", "teams": [TEAM_A, TEAM_B, HOME_TEAM]});
            }
            ok(json!({ "user": u }))
        }
        "conversations.info" => {
            let channel = args["channel"].as_str().unwrap_or_default();
            let teams = if channel == B_ONLY {
                json!([TEAM_B])
            } else {
                json!([TEAM_A, TEAM_B, HOME_TEAM])
            };
            let context = if channel == B_ONLY { TEAM_B } else { TEAM_A };
            ok(json!({"channel": {"id": channel, "is_channel": true,
                                  "context_team_id": context, "shared_team_ids": teams}}))
        }
        "chat.postMessage" => post_message(fake, args),
        "chat.update" => {
            let channel = args["channel"].as_str().unwrap_or_default();
            let mut all = inner.messages.lock().unwrap();
            let found = all
                .get_mut(channel)
                .and_then(|m| m.iter_mut().find(|m| m["ts"] == args["ts"]));
            match found {
                Some(m) => {
                    m["blocks"] = args["blocks"].clone();
                    m["text"] = args["text"].clone();
                    ok(json!({"channel": channel, "ts": args["ts"]}))
                }
                None => slack_error("message_not_found"),
            }
        }
        "conversations.history" => {
            let channel = args["channel"].as_str().unwrap_or_default();
            let mut messages = fake.messages(channel);
            messages.reverse();
            ok(json!({"messages": messages}))
        }
        "files.getUploadURLExternal" => {
            let id = format!("F{}", inner.ts.fetch_add(1, Ordering::SeqCst));
            ok(json!({"upload_url": format!("http://{addr}/upload/{id}"), "file_id": id}))
        }
        "views.open" => ok(json!({"view": {"id": "V0001"}})),
        "apps.connections.open" => ok(json!({"url": format!("ws://{addr}/socket")})),
        "chat.postEphemeral" => ok(json!({"message_ts": fake.next_ts()})),
        _ => ok(json!({})),
    }
}

fn post_message(fake: &FakeSlack, args: &Value) -> Response {
    let channel = args["channel"].as_str().unwrap_or_default().to_string();
    let closed = channel
        .strip_prefix('D')
        .is_some_and(|user| fake.inner.closed_dms.lock().unwrap().contains(user));
    if closed {
        return slack_error("cannot_dm_bot");
    }
    let fault = fake
        .inner
        .faults
        .lock()
        .unwrap()
        .get_mut(&channel)
        .and_then(|f| match f.front() {
            Some(Fault::Error(e)) => Some(Fault::Error(e)),
            _ => f.pop_front(),
        });
    match fault {
        Some(Fault::Error(code)) => return slack_error(code),
        Some(Fault::RateLimited) => {
            return (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "1")], "").into_response();
        }
        Some(Fault::ServerError) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        Some(Fault::LostAnswer) | None => {}
    }
    let ts = fake.next_ts();
    let mut message = args.clone();
    message["ts"] = json!(ts);
    message["bot_id"] = json!("B0001");
    fake.inner
        .messages
        .lock()
        .unwrap()
        .entry(channel.clone())
        .or_default()
        .push(message);
    if fault == Some(Fault::LostAnswer) {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    ok(json!({"channel": channel, "ts": ts}))
}

async fn upload(
    State(inner): State<Arc<Inner>>,
    Path(file): Path<String>,
    body: Bytes,
) -> Response {
    inner.uploads.lock().unwrap().insert(file, body.to_vec());
    inner.changed.notify_waiters();
    "OK - uploaded".into_response()
}

async fn respond(State(inner): State<Arc<Inner>>, body: Bytes) -> Response {
    let message: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    inner.responses.lock().unwrap().push(message);
    inner.changed.notify_waiters();
    "ok".into_response()
}

/// Slack's signature of `body` at `ts` with `secret`: `v0=` and the hex HMAC-SHA256 of
/// `v0:{ts}:{body}`.
pub fn sign(secret: &str, ts: i64, body: &str) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("v0:{ts}:{body}").as_bytes());
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

/// A request to the bot, signed (or not) as the test says.
pub struct Signed {
    pub body: String,
    pub ts: i64,
    pub signature: Option<String>,
}

impl Signed {
    /// Signed now with the right secret.
    pub fn new(body: String) -> Self {
        let ts = chrono::Utc::now().timestamp();
        let signature = Some(sign(SECRET, ts, &body));
        Self {
            body,
            ts,
            signature,
        }
    }

    pub async fn send(&self, url: &str) -> (u16, Value) {
        let client = reqwest::Client::new();
        let mut request = client
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-slack-request-timestamp", self.ts.to_string())
            .body(self.body.clone());
        if let Some(sig) = &self.signature {
            request = request.header("x-slack-signature", sig);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

/// Trigger ids differ between requests, as Slack's do (and so do the requests' signatures).
static TRIGGERS: AtomicU64 = AtomicU64::new(1);

/// A slash command's form body, as Slack sends it.
pub fn command(
    team: &str,
    user: &str,
    channel: &str,
    name: &str,
    text: &str,
    response_url: &str,
) -> String {
    let n = TRIGGERS.fetch_add(1, Ordering::SeqCst);
    let trigger = format!("13345224609.{n}.8088930838d88f008e0");
    serde_urlencoded::to_string([
        ("token", "unused"),
        ("team_id", team),
        ("team_domain", "example"),
        ("channel_id", channel),
        ("channel_name", "general"),
        ("user_id", user),
        ("user_name", "someone"),
        ("command", name),
        ("text", text),
        ("api_app_id", "A0001"),
        ("response_url", response_url),
        ("trigger_id", trigger.as_str()),
    ])
    .unwrap()
}

/// An interaction's form body: `payload` holding the JSON (with a trigger id of its own).
pub fn interaction(payload: &Value) -> String {
    let mut payload = payload.clone();
    payload["trigger_id"] = json!(format!("1.{}.3", TRIGGERS.fetch_add(1, Ordering::SeqCst)));
    serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap()
}

/// Socket Mode: says hello, passes on what tests send, and keeps what the bot answers.
async fn socket(
    State(inner): State<Arc<Inner>>,
    ws: axum::extract::ws::WebSocketUpgrade,
) -> Response {
    ws.on_upgrade(move |mut socket| async move {
        use axum::extract::ws::Message;
        let hello = json!({"type": "hello", "num_connections": 1,
            "debug_info": {"host": "fake", "approximate_connection_time": 18060},
            "connection_info": {"app_id": "A0001"}});
        if socket
            .send(Message::Text(hello.to_string().into()))
            .await
            .is_err()
        {
            return;
        }
        let (send, mut outgoing) = tokio::sync::mpsc::unbounded_channel::<Value>();
        *inner.socket.lock().unwrap() = Some(send);
        inner.changed.notify_waiters();
        loop {
            tokio::select! {
                Some(v) = outgoing.recv() => {
                    if socket.send(Message::Text(v.to_string().into())).await.is_err() {
                        break;
                    }
                }
                got = socket.recv() => match got {
                    Some(Ok(Message::Text(t))) => {
                        let v: Value = serde_json::from_str(&t).unwrap_or(Value::Null);
                        inner.from_socket.lock().unwrap().push(v);
                        inner.changed.notify_waiters();
                    }
                    Some(Ok(Message::Ping(p))) => {
                        let _ = socket.send(Message::Pong(p)).await;
                    }
                    Some(Ok(_)) => {}
                    _ => break,
                }
            }
        }
    })
}
