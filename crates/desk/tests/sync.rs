//! Live sync on the embedded sandbox: webhooks into the desk's receiver (token from a real Secret
//! Service — run inside `scripts/with-desktop.sh`), polling when webhooks are off, sync resuming
//! after a restart, and the receiver's answers to bad calls.

use desk::Desk;
use desk::ledger::roster::UserRecord;
use desk::onboarding::Stage;
use std::path::Path;
use std::time::Duration;

mod common;
use common::{Applicant, service, started};

/// A Method A applicant from Poland, approved by the sandbox after its review delay.
async fn submit(d: &Desk, files: &Path, email: &str) -> String {
    common::submit(
        d,
        files,
        Applicant {
            email,
            country: "PL",
            document_number: "AB123456",
        },
    )
    .await
}

/// Waits for sync to announce that `ext` reached `stage`, with no call from the test.
async fn announced(
    rx: &mut tokio::sync::broadcast::Receiver<UserRecord>,
    ext: &str,
    stage: Stage,
) -> UserRecord {
    tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            let r = rx.recv().await.expect("sync is running");
            if r.external_user_id == ext && r.stage == stage {
                return r;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{ext} never reached {stage:?}"))
}

/// The webhook claims on a user's timeline, once settled: (event, confirmation).
async fn claims(d: &Desk, ext: &str) -> Vec<(String, String)> {
    common::settled_claims(d, ext)
        .await
        .into_iter()
        .map(|(event, _, confirmation, _)| (event, confirmation))
        .collect()
}

async fn sources(d: &Desk, ext: &str) -> Vec<(String, String)> {
    d.timeline(ext)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.kind().to_owned(), e.source.as_str().to_owned()))
        .collect()
}

#[tokio::test]
async fn a_webhook_moves_the_user_to_active_with_no_call() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let d = started(dir.path(), &service()).await;
    let status = d.sync_status().await.unwrap();
    let url = status.receiver_url.clone().expect("receiver runs");
    assert!(
        status
            .token_set_for
            .contains(&desk::EnvironmentKind::Sandbox)
    );
    let mut rx = d.subscribe();
    let ext = submit(&d, files.path(), "hook@example.com").await;
    let rec = announced(&mut rx, &ext, Stage::Active).await;
    assert_eq!(rec.status.as_str(), "ACTIVE");
    // The webhooks are on the timeline as claims, each confirmed by P100's own answer; what
    // moved the user was that answer (a confirmation's or a poll's, whichever came first).
    let claims = claims(&d, &ext).await;
    for event in ["kycVerificationStatus", "userStatus"] {
        assert!(
            claims.iter().any(|(e, c)| e == event && c == "confirmed"),
            "{event}: {claims:?}"
        );
    }
    let events = sources(&d, &ext).await;
    assert!(
        events
            .iter()
            .any(|(k, s)| k == "activated" && (s == "webhook" || s == "poll")),
        "{events:?}"
    );
    let deliveries = d.with_sandbox(|h| h.state().webhooks.log()).await.unwrap();
    assert!(
        deliveries.iter().all(|x| x.url.starts_with(&url)),
        "delivered to the desk's receiver"
    );
    assert!(deliveries.iter().any(|x| x.state == "delivered"));

    // Operator events carry who did them; webhook events do not.
    let timeline = d.timeline(&ext).await.unwrap();
    assert!(
        timeline
            .iter()
            .filter(|e| e.source.as_str() == "operator")
            .all(|e| e.actor.is_some())
    );
    assert!(
        timeline
            .iter()
            .filter(|e| e.source.as_str() == "webhook")
            .all(|e| e.actor.is_none())
    );

    let funnel = d.funnel(None, None).await.unwrap();
    let reached: Vec<_> = funnel.steps.iter().map(|s| (s.stage, s.reached)).collect();
    assert_eq!(
        reached,
        [
            (Stage::Created, 1),
            (Stage::IdentityDocuments, 1),
            (Stage::VerificationSubmitted, 1),
            (Stage::ProofOfAddress, 0),
            (Stage::Active, 1)
        ]
    );
    let submitted = &funnel.steps[2];
    assert_eq!(submitted.conversion, Some(1.0));
    assert!(
        submitted.median_secs.is_some_and(|s| s > 0.5),
        "the review takes the sandbox's delay: {submitted:?}"
    );
}

#[tokio::test]
async fn polling_catches_up_when_no_webhook_comes() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let d = started(dir.path(), &service()).await;
    // The sandbox forgets where to deliver: only the poller can see the review end.
    d.with_sandbox(|h| h.state().webhooks.set_target(None, None))
        .await
        .unwrap();
    let mut rx = d.subscribe();
    let ext = submit(&d, files.path(), "poll@example.com").await;
    announced(&mut rx, &ext, Stage::Active).await;
    let events = sources(&d, &ext).await;
    assert!(
        events.contains(&("kycStatus".into(), "poll".into())),
        "{events:?}"
    );
    assert!(
        events.contains(&("activated".into(), "poll".into())),
        "{events:?}"
    );
    assert!(!events.iter().any(|(_, s)| s == "webhook"));
}

#[tokio::test]
async fn sync_resumes_after_a_restart() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let svc = service();
    let ext = {
        let d = common::open(dir.path(), &svc).await;
        // No sync in this run, and the desk closes before P100's review ends.
        submit(&d, files.path(), "restart@example.com").await
    };
    let d = started(dir.path(), &svc).await;
    let mut rx = d.subscribe();
    let before = d.users().await.unwrap();
    assert_eq!(before[0].stage, Stage::VerificationSubmitted);
    announced(&mut rx, &ext, Stage::Active).await;
}

#[tokio::test]
async fn the_receiver_checks_the_token_and_the_body() {
    let dir = tempfile::tempdir().unwrap();
    let d = started(dir.path(), &service()).await;
    let url = d.sync_status().await.unwrap().receiver_url.unwrap();
    let http = reqwest::Client::new();
    let health = http
        .get(format!("{url}/webhook/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(
        health.json::<serde_json::Value>().await.unwrap()["status"],
        "ok"
    );

    let body = serde_json::json!({"externalUserId": "x", "status": "ACTIVE"});
    let post = |auth: Option<&str>, path: &str, body: String| {
        let mut r = http
            .post(format!("{url}{path}"))
            .body(body)
            .header("content-type", "application/json");
        if let Some(a) = auth {
            r = r.header("authorization", a);
        }
        r.send()
    };
    let none = post(None, "/webhook/user/status", body.to_string())
        .await
        .unwrap();
    assert_eq!(none.status(), 401);
    let wrong = post(
        Some("not-the-token"),
        "/webhook/user/status",
        body.to_string(),
    )
    .await
    .unwrap();
    assert_eq!(wrong.status(), 401);

    // The sandbox was handed the token: read it back the way the sandbox would send it.
    let token = d
        .with_sandbox(|h| h.state().webhooks.config().token.unwrap())
        .await
        .unwrap();
    let unknown = post(Some(&token), "/webhook/user/status", body.to_string())
        .await
        .unwrap();
    assert_eq!(
        unknown.status(),
        202,
        "a user this desk never had is acknowledged, not stored"
    );
    let bad = post(
        Some(&token),
        "/webhook/user/status",
        "{\"status\": 1}".into(),
    )
    .await
    .unwrap();
    assert_eq!(bad.status(), 400);
    let msg = bad.json::<serde_json::Value>().await.unwrap()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(msg.contains("documented JSON"), "{msg}");
    let path = post(Some(&token), "/webhook/nothing/here", body.to_string())
        .await
        .unwrap();
    assert_eq!(path.status(), 404);
    let bearer = post(
        Some(&format!("Bearer {token}")),
        "/webhook/user/status",
        body.to_string(),
    )
    .await
    .unwrap();
    assert_eq!(bearer.status(), 202);
    assert!(d.users().await.unwrap().is_empty(), "nothing was stored");
}

#[tokio::test]
async fn a_generated_token_is_accepted_once_stored_and_only_for_its_environment() {
    let dir = tempfile::tempdir().unwrap();
    let d = started(dir.path(), &service()).await;
    let (status, token) = d
        .generate_webhook_token(desk::EnvironmentKind::Staging, |_| Ok(()))
        .await
        .unwrap();
    assert!(
        status
            .token_set_for
            .contains(&desk::EnvironmentKind::Staging)
    );
    let raw = token.reveal_to_operator().to_owned();
    assert!(raw.starts_with("whk_") && raw.len() >= 4 + 43, "{raw}");
    let url = status.receiver_url.unwrap();
    let send = |auth: String| {
        reqwest::Client::new()
            .post(format!("{url}/webhook/user/status"))
            .header("authorization", auth)
            .json(&serde_json::json!({"externalUserId": "nobody-here", "status": "ACTIVE"}))
            .send()
    };
    assert_eq!(send(raw.clone()).await.unwrap().status(), 202);
    // Typed back for another environment, it is refused; generating again replaces it.
    let err = d
        .set_webhook_token(desk::EnvironmentKind::Production, raw.clone())
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "webhookToken");
    // A token that could not be delivered is not kept: the one P100 has stays.
    let err = d
        .generate_webhook_token(desk::EnvironmentKind::Staging, |_| {
            Err("no clipboard".into())
        })
        .await
        .unwrap_err();
    assert!(err.field_errors()[0].message.contains("no clipboard"));
    assert_eq!(send(raw.clone()).await.unwrap().status(), 202);
    let (_, again) = d
        .generate_webhook_token(desk::EnvironmentKind::Staging, |_| Ok(()))
        .await
        .unwrap();
    assert_ne!(again.reveal_to_operator(), raw);
    assert_eq!(
        send(raw).await.unwrap().status(),
        401,
        "the old token is gone"
    );
    d.remove_webhook_token(desk::EnvironmentKind::Staging)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_token_two_environments_hold_is_accepted_for_neither() {
    // Left in the keychain by hand (the desk itself refuses to set it twice): the receiver
    // could not tell which environment a call is for, so it takes the token for none.
    let svc = service();
    let shared = desk::credentials::WebhookToken::new("shared-by-staging-and-production").unwrap();
    let k = desk::credentials::Keychain::new(&svc);
    k.set_webhook_token(desk::EnvironmentKind::Staging, &shared)
        .unwrap();
    k.set_webhook_token(desk::EnvironmentKind::Production, &shared)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = started(dir.path(), &svc).await;
    let status = d.sync_status().await.unwrap();
    assert!(
        !status
            .token_set_for
            .contains(&desk::EnvironmentKind::Staging)
    );
    assert!(
        !status
            .token_set_for
            .contains(&desk::EnvironmentKind::Production)
    );
    let answer = reqwest::Client::new()
        .post(format!(
            "{}/webhook/user/status",
            status.receiver_url.unwrap()
        ))
        .header("authorization", "shared-by-staging-and-production")
        .json(&serde_json::json!({"externalUserId": "anyone", "status": "ACTIVE"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
    k.remove_webhook_token(desk::EnvironmentKind::Staging)
        .unwrap();
    k.remove_webhook_token(desk::EnvironmentKind::Production)
        .unwrap();
}
