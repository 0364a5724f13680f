//! Two replicas on one PostgreSQL: a desktop connected to replica A sees, within a second, what
//! an operator does through replica B and what P100's webhooks tell replica B; both replicas
//! serve the same roster and journal.

mod common;

use common::{about, call, listen, new_user, next_matching, operator, start_replica};
use desk::hub_client::HubEvent;
use p100_sandbox::SandboxConfig;
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

const P100_KEY: &str = "sandbox-key-for-two-replicas-81c2";
const WEBHOOK_TOKEN: &str = "whk_two-replicas-webhook-token-55a0c9";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desktop_on_replica_a_sees_what_happens_on_replica_b_within_a_second() {
    let (_, sandbox) = p100_sandbox::spawn(SandboxConfig::local(P100_KEY))
        .await
        .unwrap();
    let url = tokio::task::block_in_place(common::migrated_database);
    let olga = operator(&url, "olga", "operator");
    let sam = operator(&url, "sam", "supervisor");
    let a = start_replica(&url, &sandbox.base_url(), P100_KEY, WEBHOOK_TOKEN);
    let b = start_replica(&url, &sandbox.base_url(), P100_KEY, WEBHOOK_TOKEN);

    let mut on_a = listen(&a.base, &sam).await;

    // Olga creates a user through B: Sam's desktop on A hears of it.
    let (status, user) = call(
        &b.base,
        Some(&olga),
        "POST",
        "/api/users",
        Some(new_user("ann@example.com")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    let ext = user["externalUserId"].as_str().unwrap().to_owned();
    let heard = next_matching(&mut on_a, Duration::from_secs(1), about(&ext)).await;
    assert!(
        heard.is_some(),
        "the new user did not reach A's desktop within 1 s"
    );

    // Olga suspends through B: A's desktop sees the status change.
    let (status, _) = call(
        &b.base,
        Some(&olga),
        "POST",
        "/api/ops/user_suspend",
        Some(json!({"externalUserId": ext, "reason": "card fraud check"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let heard = next_matching(&mut on_a, Duration::from_secs(1), |e| {
        matches!(e, HubEvent::User(u) if u.external_user_id == ext
            && u.status == p100::models::UserStatus::Suspended)
    })
    .await;
    assert!(
        heard.is_some(),
        "the suspension did not reach A's desktop within 1 s"
    );

    // P100 posts a webhook to B: the claim, and then its confirmation, reach A's desktop.
    let res = reqwest::Client::new()
        .post(format!("{}/webhook/user/status", b.base))
        .header("Authorization", WEBHOOK_TOKEN)
        .json(&json!({"externalUserId": ext, "status": "ACTIVE"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        next_matching(&mut on_a, Duration::from_secs(1), about(&ext))
            .await
            .is_some()
    );

    // Both replicas serve one roster and one journal.
    let (_, roster_a) = call(&a.base, Some(&sam), "GET", "/api/users", None).await;
    let (_, roster_b) = call(&b.base, Some(&olga), "GET", "/api/users", None).await;
    assert_eq!(roster_a, roster_b);
    let (_, journal_a) = call(
        &a.base,
        Some(&sam),
        "POST",
        "/api/ops/journal_recent",
        Some(json!({})),
    )
    .await;
    let (_, journal_b) = call(
        &b.base,
        Some(&olga),
        "POST",
        "/api/ops/journal_recent",
        Some(json!({})),
    )
    .await;
    assert_eq!(journal_a, journal_b);
    assert_eq!(journal_a.as_array().unwrap().len(), 2, "{journal_a}");
}
