//! The real `layoffs-bot run` for Slack only: a temporary store, the fake Slack as its Web
//! API, its endpoints on a free local port; killed with -9 and restarted on demand.

use layoffs_bot::Store;
use tokio::io::{AsyncBufReadExt, BufReader};

use super::fake_slack::{APP_TOKEN, FakeSlack, HOME_TEAM, LISTED, SECRET};
use super::{data, now};

pub struct SlackBot {
    pub fake: FakeSlack,
    pub store: Store,
    child: tokio::process::Child,
    url: String,
    port: u16,
    _dir: tempfile::TempDir,
}

impl SlackBot {
    /// Starts the binary on a store with `files` imported; returns once it serves.
    pub async fn start(files: &[&str]) -> Self {
        Self::start_in(files, false).await
    }

    /// The same in Socket Mode (`SLACK_APP_TOKEN`, no endpoints); returns once it started.
    pub async fn start_socket_mode(files: &[&str]) -> Self {
        Self::start_in(files, true).await
    }

    /// [`SlackBot::start`] with the process's open-files limit set to `limit` (`prlimit`).
    pub async fn start_with_open_files(files: &[&str], limit: u32) -> Self {
        Self::start_with(files, false, Some(limit)).await
    }

    async fn start_in(files: &[&str], socket: bool) -> Self {
        Self::start_with(files, socket, None).await
    }

    async fn start_with(files: &[&str], socket: bool, open_files: Option<u32>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("bot.db").display());
        let store = Store::open(&url).await.unwrap();
        for f in files {
            layoffs_bot::csv_io::import_file(&store, &data(f), false, now())
                .await
                .unwrap();
        }
        let fake = FakeSlack::start().await;
        let port = free_port();
        let child = spawn(&url, &fake, port, socket, open_files).await;
        Self {
            fake,
            store,
            child,
            url,
            port,
            _dir: dir,
        }
    }

    pub fn commands_url(&self) -> String {
        format!("http://127.0.0.1:{}/slack/commands", self.port)
    }

    pub fn interactivity_url(&self) -> String {
        format!("http://127.0.0.1:{}/slack/interactivity", self.port)
    }

    pub fn store_url(&self) -> &str {
        &self.url
    }

    /// The `layoffs-bot` command line on the bot's store.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_layoffs-bot"))
            .args(args)
            .env("DATABASE_URL", &self.url)
            .output()
            .unwrap()
    }

    /// `kill -9`, then start again on the same store, port and fake Slack.
    pub async fn crash_and_restart(&mut self) {
        self.child.start_kill().unwrap();
        self.child.wait().await.unwrap();
        self.child = spawn(&self.url, &self.fake, self.port, false, None).await;
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the binary and waits for the line that says it serves.
async fn spawn(
    url: &str,
    fake: &FakeSlack,
    port: u16,
    socket: bool,
    open_files: Option<u32>,
) -> tokio::process::Child {
    let bin = env!("CARGO_BIN_EXE_layoffs-bot");
    let mut command = match open_files {
        Some(n) => {
            let mut c = tokio::process::Command::new("prlimit");
            c.arg(format!("--nofile={n}")).arg(bin);
            c
        }
        None => tokio::process::Command::new(bin),
    };
    if socket {
        command.env("SLACK_APP_TOKEN", APP_TOKEN);
    }
    let mut child = command
        .arg("run")
        .env("DATABASE_URL", url)
        .env_remove("DISCORD_TOKEN")
        .env("SLACK_BOT_TOKEN", "xoxb-test-token")
        .env("SLACK_SIGNING_SECRET", SECRET)
        .env("SLACK_LISTEN_ADDR", format!("127.0.0.1:{port}"))
        .env("SLACK_API_URL", &fake.api_url)
        .env("SLACK_MODERATOR_IDS", LISTED)
        .env("SLACK_HOME_TEAM_ID", HOME_TEAM)
        .env("DELIVERY_RETRY_BASE_MS", "50")
        .env("RUST_LOG", "layoffs_bot=info")
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start layoffs-bot");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let ready = async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains("serving Slack's requests") || line.contains("in Socket Mode") {
                return true;
            }
        }
        false
    };
    let served = tokio::time::timeout(std::time::Duration::from_mins(1), ready).await;
    assert_eq!(
        served.ok(),
        Some(true),
        "the bot did not start serving Slack"
    );
    // Keep draining its log so that it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    child
}
