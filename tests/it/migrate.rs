//! Upgrading a store written before tenants existed: guild ids move to `tenants`, and every
//! private event, subscription and held addition keeps its server.

use chrono::Utc;
use layoffs_bot::Store;
use layoffs_bot::domain::{Actor, EventScope, Tenant, Viewer};
use layoffs_bot::service::{self, Moderator};
use sqlx::sqlite::SqliteConnectOptions;

use crate::support::now;

const GUILD: u64 = 800_000_000_000_000_001;

/// A store migrated up to (not including) migration `before`, as an older binary left it.
pub(crate) async fn migrated_to(
    dir: &std::path::Path,
    url: &str,
    before: &str,
) -> sqlx::SqlitePool {
    let migrations = dir.join("old-migrations");
    std::fs::create_dir(&migrations).unwrap();
    for entry in std::fs::read_dir(crate::support::data("migrations")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.as_str() < before {
            std::fs::copy(&path, migrations.join(&name)).unwrap();
        }
    }
    let options: SqliteConnectOptions = url.parse().unwrap();
    let pool = sqlx::SqlitePool::connect_with(options.create_if_missing(true))
        .await
        .unwrap();
    sqlx::migrate::Migrator::new(migrations)
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    pool
}

/// A store at migration 0004 with one global event, one private event, a subscription and a
/// held addition, written as that version wrote them.
async fn old_store(dir: &std::path::Path, url: &str) {
    let pool = migrated_to(dir, url, "0005").await;
    let guild = i64::try_from(GUILD).unwrap();
    let at = Utc::now().to_rfc3339();
    for sql in [
        "INSERT INTO companies (id, name, key, created_at) VALUES (1, 'Acme', 'acme', ?2)",
        "INSERT INTO events (company_id, announced_on, headcount, guild_id, added_by, added_at,
                             fingerprint) VALUES (1, '2026-01-02', 5, ?1, 'discord:1', ?2, 'a')",
        "INSERT INTO events (company_id, announced_on, headcount, guild_id, added_by, added_at,
                             fingerprint) VALUES (1, '2026-01-01', 7, NULL, 'cli:import', ?2, 'b')",
        "INSERT INTO subscriptions (guild_id, channel_id, active, created_by, created_at,
                                    updated_at) VALUES (?1, 42, 1, 'discord:1', ?2, ?2)",
        // A name only two servers' private events used: it must not stay global.
        "INSERT INTO companies (id, name, key, created_at) VALUES (2, 'Initech', 'initech', ?2)",
        "INSERT INTO events (company_id, announced_on, headcount, guild_id, added_by, added_at,
                             fingerprint) VALUES (2, '2026-01-03', 3, ?1, 'discord:1', ?2, 'c')",
        "INSERT INTO events (company_id, announced_on, headcount, guild_id, added_by, added_at,
                             fingerprint) VALUES (2, '2026-01-04', 4, ?1 + 1, 'discord:1', ?2, 'd')",
        // One post sent, one waiting: both survive the outbox's rebuild (0012).
        "INSERT INTO deliveries (event_id, subscription_id, channel_id, status, attempts,
                                 next_attempt_at, message_id, sent_at, created_at)
         VALUES (2, 1, 42, 'sent', 1, ?2, 900, '2026-01-05T10:00:00Z', ?2)",
        "INSERT INTO deliveries (event_id, subscription_id, channel_id, status, attempts,
                                 next_attempt_at, created_at)
         VALUES (1, 1, 42, 'pending', 2, ?2, ?2)",
        "INSERT INTO pending_additions (guild_id, user_id, payload, created_at)
         VALUES (?1, 7, '{\"company\":\"Acme\",\"date\":\"2026-01-03\",\"count\":9}', ?2)",
    ] {
        sqlx::query(sql)
            .bind(guild)
            .bind(&at)
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;
}

#[tokio::test]
async fn guild_ids_become_tenants_and_nothing_changes_hands() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    old_store(dir.path(), &url).await;

    let store = Store::open(&url).await.unwrap();
    let tenant = Tenant::discord(GUILD);
    let seen = |viewer: Viewer| {
        let store = store.clone();
        async move {
            store
                .events_page(None, &viewer, None, layoffs_bot::domain::Page::first(10))
                .await
                .unwrap()
                .events
        }
    };
    let in_guild = seen(Viewer::in_tenant(tenant.clone())).await;
    assert_eq!(in_guild.len(), 3);
    let acme: Vec<_> = in_guild.iter().filter(|e| e.company == "Acme").collect();
    assert_eq!(acme[0].scope, EventScope::Tenant(tenant.clone()));
    assert_eq!(acme[1].scope, EventScope::Global);
    assert_eq!(seen(Viewer::in_guild(GUILD + 1)).await.len(), 2);

    // Each server keeps its own Initech; nobody else has the name.
    let everyone = Viewer::EVERYONE;
    assert!(
        store
            .find_company("initech", &everyone)
            .await
            .unwrap()
            .is_none()
    );
    let own = Viewer::in_tenant(tenant.clone());
    let mine = store.find_company("initech", &own).await.unwrap().unwrap();
    let theirs = store
        .find_company("initech", &Viewer::in_guild(GUILD + 1))
        .await
        .unwrap();
    assert_ne!(Some(mine.id), theirs.map(|c| c.id));

    let subs = store.subscriptions(&tenant).await.unwrap();
    assert_eq!(
        subs.iter().map(|s| s.channel.clone()).collect::<Vec<_>>(),
        [layoffs_bot::domain::ChannelRef::discord(42)]
    );
    assert_eq!(
        subs[0].settings,
        layoffs_bot::domain::AlertSettings::default()
    );
    assert_eq!(
        subs[0].last_post_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-01-05T10:00:00+00:00")
    );
    let open = store.open_deliveries().await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!((open[0].what.as_str(), open[0].attempts), ("event #1", 2));

    let by = Moderator::new(Actor::discord(7), tenant.clone(), None);
    let held = service::confirm_addition(&store, 1, &by, now())
        .await
        .unwrap();
    assert_eq!(held.headcount.known(), Some(9));
    assert_eq!(held.scope, EventScope::Tenant(tenant));
}
