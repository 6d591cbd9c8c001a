//! The real `layoffs-bot run` binary as a test harness: started on a temporary store against
//! the fake Discord, killed with -9 and restarted on demand.

use layoffs_bot::Store;
use serde_json::Value;

use super::fake_discord::FakeDiscord;
use super::{data, now};

/// Home guild of these tests: neither A nor B, so their events are their own.
pub const HOME: &str = "800000000000000009";

/// The real `layoffs-bot run`, its store and the fake Discord it talks to.
pub struct Bot {
    pub fake: FakeDiscord,
    pub store: Store,
    pub child: tokio::process::Child,
    url: String,
    env: Vec<(String, String)>,
    dir: tempfile::TempDir,
}

impl Bot {
    /// Starts the real binary on a store with `files` imported, and waits until it is ready.
    pub async fn start(files: &[&str]) -> (Self, Value) {
        Self::start_with(files, &[]).await
    }

    /// `/layoff <name>` (add, edit, remove, ...) as the first guild's moderator; the answer.
    pub async fn layoff(&self, name: &str, options: Value) -> Value {
        let command = super::fake_discord::slash(
            super::fake_discord::Who::MOD_A,
            "layoff",
            super::sub(name, options),
        );
        self.fake.interact(command).await
    }

    /// The same, with more environment variables (they win over the defaults).
    pub async fn start_with(files: &[&str], env: &[(&str, &str)]) -> (Self, Value) {
        Self::start_on(FakeDiscord::start().await, files, env).await
    }

    /// The same, against a fake set up beforehand (more guilds, say).
    pub async fn start_with_fake(files: &[&str], fake: FakeDiscord) -> (Self, Value) {
        Self::start_on(fake, files, &[]).await
    }

    async fn start_on(fake: FakeDiscord, files: &[&str], env: &[(&str, &str)]) -> (Self, Value) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("bot.db").display());
        let store = Store::open(&url).await.unwrap();
        for f in files {
            layoffs_bot::csv_io::import_file(&store, &data(f), false, now())
                .await
                .unwrap();
        }
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        let child = spawn(&url, &fake, &env, dir.path());
        let commands = fake.wait_until_ready().await;
        (
            Self {
                fake,
                store,
                child,
                url,
                env,
                dir,
            },
            commands,
        )
    }

    pub fn store_url(&self) -> &str {
        &self.url
    }

    /// `kill -9`, then start again on the same store and fake Discord.
    pub async fn crash_and_restart(&mut self) {
        self.child.start_kill().unwrap();
        self.child.wait().await.unwrap();
        let registrations = self
            .fake
            .requests()
            .iter()
            .filter(|r| r.method == "PUT")
            .count();
        self.child = spawn(&self.url, &self.fake, &self.env, self.dir.path());
        let fake = self.fake.clone();
        self.fake
            .wait_for("registration after the restart", move |_| {
                fake.requests().iter().filter(|r| r.method == "PUT").count() > registrations
            })
            .await;
    }
}

fn spawn(
    url: &str,
    fake: &FakeDiscord,
    env: &[(String, String)],
    dir: &std::path::Path,
) -> tokio::process::Child {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_layoffs-bot"));
    command
        .arg("run")
        .env("DATABASE_URL", url)
        // The fake's BOT_ID in base64, as a real token starts.
        .env("DISCORD_TOKEN", "OTAwMDAwMDAwMDAwMDAwMDAx.fake.token")
        .env("DISCORD_API_URL", &fake.url)
        .env("HOME_GUILD_ID", HOME)
        .env_remove("DEV_GUILD_ID")
        .env(
            "RUST_LOG",
            std::env::var("TEST_LOG").unwrap_or_else(|_| "off".into()),
        )
        .current_dir(dir)
        .kill_on_drop(true);
    for (k, v) in env {
        command.env(k, v);
    }
    command.spawn().expect("start layoffs-bot")
}
