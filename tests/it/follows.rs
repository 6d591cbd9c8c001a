//! Following companies by DM, end to end with the fake Discord: the DM after a moderator adds
//! an event (embed, footer, no pings), its correction and removal, another server's private
//! events never reaching a follow made in server A, a closed DM pausing follows until the
//! person is told once and resumes, the 25-follow cap, and forget-me leaving no trace of the
//! person in the store's files.

use serde_json::{Value, json};

use layoffs_bot::domain::follow::Person;
use layoffs_bot::domain::{Platform, Tenant, Viewer};
use layoffs_bot::service;

use crate::support::bot::{Bot, HOME};
use crate::support::fake_discord::{
    CAN_POST, FakeDiscord, Fault, MANAGE_GUILD, MOD_USER, PLAIN_USER, Who, autocomplete,
    dm_channel, dm_slash, slash,
};
use crate::support::{content, is_ephemeral, opt, sub};

pub(crate) const HOME_MOD: Who<'static> = Who {
    guild: HOME,
    user: MOD_USER,
    permissions: MANAGE_GUILD,
    app_permissions: CAN_POST,
};

async fn follow(f: &FakeDiscord, who: Who<'_>, verb: &str, options: Value) -> String {
    let answer = f
        .interact(slash(who, "layoffs-follow", sub(verb, options)))
        .await;
    assert!(is_ephemeral(&answer), "{answer:#}");
    content(&answer)
}

/// `/layoff add` by `who`; the new event's id.
async fn add(f: &FakeDiscord, who: Who<'_>, company: &str, date: &str, count: i64) -> i64 {
    let options = json!([
        opt("company", 3, json!(company)),
        opt("date", 3, json!(date)),
        opt("count", 4, json!(count))
    ]);
    let answer = f.interact(slash(who, "layoff", sub("add", options))).await;
    let title = answer["data"]["embeds"][0]["title"]
        .as_str()
        .unwrap_or_default();
    title
        .strip_prefix("Added event #")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not added: {answer:#}"))
}

fn dms(f: &FakeDiscord, user: &str) -> Vec<Value> {
    f.posts()
        .get(&dm_channel(user))
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn a_follower_gets_each_new_layoff_by_dm_corrected_and_removed_like_posts() {
    let (bot, _) = Bot::start(&["tests/data/layoffs_fyi_sample.csv"]).await;
    let f = &bot.fake;
    let said = follow(
        f,
        Who::USER_A,
        "add",
        json!([opt("company", 3, json!("amazon"))]),
    )
    .await;
    assert!(said.contains("You now follow **Amazon**"), "{said}");
    let said = follow(
        f,
        Who::USER_A,
        "add",
        json!([opt("company", 3, json!("Amazonn"))]),
    )
    .await;
    assert!(said.contains("Did you mean: Amazon"), "{said}");
    let said = follow(
        f,
        Who::USER_A,
        "add",
        json!([opt("company", 3, json!("AMAZON"))]),
    )
    .await;
    assert!(said.contains("You already follow **Amazon**"), "{said}");
    let typed = json!([{"name": "company", "type": 3, "value": "ama", "focused": true}]);
    let choices = f
        .interact(autocomplete(
            Who::USER_A,
            "layoffs-follow",
            sub("remove", typed),
        ))
        .await;
    assert_eq!(
        choices["data"]["choices"],
        json!([{"name": "Amazon", "value": "Amazon"}]),
        "remove offers what the person follows"
    );

    let id = add(f, HOME_MOD, "Amazon", "2026-11-30", 300).await;
    f.wait_for_posts("the DM", |p| p.contains_key(&dm_channel(PLAIN_USER)))
        .await;
    let opened = f
        .wait_for("the DM opened", |r| r.path == "/api/v10/users/@me/channels")
        .await;
    assert_eq!(opened.body["recipient_id"], PLAIN_USER);
    let dm = &dms(f, PLAIN_USER)[0];
    assert_eq!(dm["allowed_mentions"]["parse"], json!([]), "{dm:#}");
    assert_eq!(dm["embeds"][0]["title"], "New layoff: Amazon");
    assert_eq!(
        dm["embeds"][0]["footer"]["text"],
        format!("Event #{id} · You follow Amazon · /layoffs-follow remove")
    );

    let edit = json!([opt("id", 4, json!(id)), opt("count", 4, json!(350))]);
    f.interact(slash(HOME_MOD, "layoff", sub("edit", edit)))
        .await;
    f.wait_for_posts("the DM corrected", |_| {
        dms(f, PLAIN_USER)[0].to_string().contains("350 people")
    })
    .await;
    let removed = f
        .interact(slash(
            HOME_MOD,
            "layoff",
            sub("remove", json!([opt("id", 4, json!(id))])),
        ))
        .await;
    assert!(content(&removed).contains("Removed event"), "{removed:#}");
    f.wait_for_posts("the DM turned into a notice", |_| {
        dms(f, PLAIN_USER)[0].to_string().contains("removed")
    })
    .await;
    assert_eq!(dms(f, PLAIN_USER).len(), 1, "edited, never posted again");

    private_events_stay_in_their_server(&bot).await;
    a_closed_dm_pauses_until_told_and_resumed(&bot).await;
}

/// B's private Amazon event never reaches a follow made in A; A's own does. A person's DMs go
/// in the order they were queued, so B's, queued first, would have come before A's.
async fn private_events_stay_in_their_server(bot: &Bot) {
    let f = &bot.fake;
    add(f, Who::MOD_B, "Amazon", "2026-11-29", 40).await;
    add(f, Who::MOD_A, "Amazon", "2026-11-28", 30).await;
    f.wait_for_posts("A's private event", |_| dms(f, PLAIN_USER).len() == 2)
        .await;
    let latest = dms(f, PLAIN_USER)[1].to_string();
    assert!(
        latest.contains("30 people") && !latest.contains("40 people"),
        "{latest}"
    );
}

async fn a_closed_dm_pauses_until_told_and_resumed(bot: &Bot) {
    let f = &bot.fake;
    f.fault(&dm_channel(PLAIN_USER), Fault::ClosedDms);
    add(f, HOME_MOD, "Amazon", "2026-11-27", 20).await;
    let refused = format!("/api/v10/channels/{}/messages", dm_channel(PLAIN_USER));
    let before = f.requests().iter().filter(|r| r.path == refused).count();
    f.wait_for_posts("the refused DM", |_| {
        f.requests().iter().filter(|r| r.path == refused).count() > before
    })
    .await;
    // The pause is written right after the refusal: the person's commands go on until the
    // one after it, which is followed by the notice, only to them, once.
    let told = |r: &crate::support::fake_discord::Recorded| {
        r.path.starts_with("/api/v10/webhooks/") && r.body.to_string().contains("paused")
    };
    let lookup = slash(
        Who::USER_A,
        "layoffs",
        json!([opt("company", 3, json!("Amazon"))]),
    );
    for _ in 0..100 {
        let answer = f.interact(lookup.clone()).await;
        assert!(
            !content(&answer).contains("paused"),
            "the answer itself is unchanged"
        );
        if f.requests().iter().any(told) {
            break;
        }
    }
    let notice = f.wait_for("the notice", told).await;
    assert_eq!(notice.body["flags"], 64, "only to them: {:#}", notice.body);
    f.interact(lookup).await;
    assert_eq!(
        f.requests().iter().filter(|r| told(r)).count(),
        1,
        "told once"
    );
    let said = follow(f, Who::USER_A, "list", json!([])).await;
    assert!(
        said.contains("active again") && said.contains("Amazon"),
        "{said}"
    );
}

#[tokio::test]
async fn follows_are_capped_and_forget_me_leaves_nothing_of_the_person() {
    let (bot, _) = Bot::start(&["tests/data/layoffs_fyi_sample.csv"]).await;
    let f = &bot.fake;
    let who = Person::new(Platform::Discord, PLAIN_USER);
    let viewer = Viewer::in_tenant(Tenant::discord(Who::USER_A.guild.parse().unwrap()));
    let companies = [
        "Amazon",
        "Pinterest",
        "Meta",
        "Google",
        "Microsoft",
        "Salesforce",
        "Intel",
        "Tesla",
        "Dell",
        "IBM",
        "Cisco",
        "Oracle",
        "PayPal",
        "Spotify",
        "Netflix",
        "Uber",
        "Lyft",
        "Shopify",
        "Zoom",
        "Twilio",
        "Snap",
        "Block",
        "Coinbase",
        "Stripe",
        "Klarna",
    ];
    for c in companies {
        service::follows::follow(&bot.store, &who, c, &viewer)
            .await
            .unwrap_or_else(|e| panic!("{c}: {e}"));
    }
    let said = follow(
        f,
        Who::USER_A,
        "add",
        json!([opt("company", 3, json!("Ericsson"))]),
    )
    .await;
    assert!(said.contains("You follow 25 companies, the most"), "{said}");
    let said = follow(
        f,
        Who::USER_A,
        "remove",
        json!([opt("company", 3, json!("klarna"))]),
    )
    .await;
    assert!(said.contains("You no longer follow **Klarna**"), "{said}");

    let listed = crate::sources_e2e::cli(bot.store_url(), &["follows"]).await;
    let (out, _) = crate::sources_e2e::text(&listed);
    assert!(out.starts_with("24 follows of 24 companies:"), "{out}");
    assert!(
        out.contains("     1  Amazon") && !out.contains(PLAIN_USER),
        "{out}"
    );

    add(f, HOME_MOD, "Amazon", "2026-11-30", 300).await;
    f.wait_for_posts("the DM", |p| p.contains_key(&dm_channel(PLAIN_USER)))
        .await;
    let said = follow(f, Who::USER_A, "forget-me", json!([])).await;
    assert!(said.contains("deleted your 24 follow(s)"), "{said}");
    assert!(bot.store.follows_of(&who).await.unwrap().is_empty());
    let url = bot.store_url().trim_start_matches("sqlite://").to_string();
    for file in [url.clone(), format!("{url}-wal")] {
        let bytes = std::fs::read(&file).unwrap_or_default();
        let needle = PLAIN_USER.as_bytes();
        let at = bytes.windows(needle.len()).position(|w| w == needle);
        assert!(
            at.is_none(),
            "{file} still holds the user id at {at:?}: {:?}",
            at.map(|i| String::from_utf8_lossy(&bytes[i.saturating_sub(80)..i + 40]).into_owned())
        );
    }
    // In a DM with the bot: the global record only.
    let answer = f
        .interact(dm_slash(
            "layoffs-follow",
            sub("add", json!([opt("company", 3, json!("Amazon"))])),
        ))
        .await;
    let said = content(&answer);
    assert!(
        said.contains("You now follow **Amazon**") && !said.contains("this community"),
        "{said}"
    );
}
