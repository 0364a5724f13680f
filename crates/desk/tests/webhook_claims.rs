//! Webhooks are hints: with a valid token, events the sandbox (P100) never sent — forged
//! `VERIFIED`, `ACTIVE`, `DELETED` and `APPROVED` — are kept as unconfirmed claims and move
//! nobody; the real events, when the sandbox decides, still move the user. Over loopback into
//! the real receiver, with its token from a real Secret Service (run inside
//! `scripts/with-desktop.sh`).

use desk::Desk;
use desk::ledger::roster::UserRecord;
use desk::onboarding::Stage;
use p100_sandbox::model::{Outcome, PoaOutcome};
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;

mod common;
use common::{PDF, service, settled_claims, started};

/// A user of a POA country, verification submitted, the sandbox told to wait for a decision.
async fn under_review(d: &Desk, files: &Path) -> String {
    common::submit(
        d,
        files,
        common::Applicant {
            email: "claims@example.com",
            country: "UA",
            document_number: "MANUAL-0001",
        },
    )
    .await
}

struct Hooks {
    url: String,
    token: String,
    http: reqwest::Client,
}

impl Hooks {
    async fn of(d: &Desk) -> Self {
        Self {
            url: d.sync_status().await.unwrap().receiver_url.unwrap(),
            token: d
                .with_sandbox(|h| h.state().webhooks.config().token.unwrap())
                .await
                .unwrap(),
            http: reqwest::Client::new(),
        }
    }

    async fn post(&self, path: &str, body: Value) -> (u16, String) {
        let r = self
            .http
            .post(format!("{}{path}", self.url))
            .header("authorization", &self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let v: Value = r.json().await.unwrap_or_default();
        (status, v["message"].as_str().unwrap_or_default().to_owned())
    }
}

async fn user(d: &Desk, ext: &str) -> UserRecord {
    d.users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.external_user_id == ext)
        .unwrap()
}

async fn wait_stage(d: &Desk, ext: &str, stage: Stage) -> UserRecord {
    tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            let u = user(d, ext).await;
            if u.stage == stage {
                return u;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{ext} never reached {stage:?}"))
}

#[tokio::test]
async fn forged_events_move_nobody_and_the_real_ones_still_do() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let d = started(dir.path(), &service()).await;
    let ext = under_review(&d, files.path()).await;
    let hooks = Hooks::of(&d).await;
    let before = user(&d, &ext).await;

    // Four lies with the right token, about a user the sandbox has not moved.
    let forged = [
        (
            "/webhook/kyc-verification/status",
            json!({"externalUserId": ext, "verificationStatus": "VERIFIED", "attemptStatus": "SUCCESSFUL", "rejectionReason": null}),
        ),
        (
            "/webhook/user/status",
            json!({"externalUserId": ext, "status": "ACTIVE"}),
        ),
        (
            "/webhook/user/status",
            json!({"externalUserId": ext, "status": "DELETED"}),
        ),
        (
            "/webhook/poa-verification/status",
            json!({"externalUserId": ext, "status": "APPROVED"}),
        ),
    ];
    for (path, body) in &forged {
        assert_eq!(
            hooks.post(path, body.clone()).await.0,
            200,
            "{path} acknowledged"
        );
    }
    // The sandbox's own events (files added, review under way) are claims too; the forged ones
    // are each kept once, and unconfirmed.
    let claims = settled_claims(&d, &ext).await;
    let count = claims.len();
    for (_, body) in &forged {
        let kept: Vec<_> = claims.iter().filter(|c| c.1 == *body).collect();
        assert_eq!(kept.len(), 1, "{body}: {claims:?}");
        let (event, _, confirmation, note) = kept[0];
        assert_eq!(confirmation, "unconfirmed", "{event} {body}: {note}");
        assert!(!note.is_empty(), "the operator is told why: {event}");
    }
    let after = user(&d, &ext).await;
    assert_eq!(
        (
            after.stage,
            after.status.as_str(),
            after.deleted_at.as_deref(),
            after.poa_status.map(|p| p.as_str())
        ),
        (before.stage, before.status.as_str(), None, None),
        "the board is as it was"
    );
    assert_eq!(after.verification_status, before.verification_status);
    assert!(
        d.sync_status().await.unwrap().polling >= 1 || {
            tokio::time::sleep(Duration::from_millis(700)).await;
            d.sync_status().await.unwrap().polling >= 1
        },
        "the user is still polled"
    );

    // Sent again, a lie is asked about again, and still moves nobody.
    let (status, message) = hooks.post(forged[1].0, forged[1].1.clone()).await;
    assert_eq!(status, 200, "{message}");
    let again = settled_claims(&d, &ext).await;
    assert_eq!(again.len(), count + 1);
    assert_eq!(again.last().unwrap().2, "unconfirmed");
    assert_eq!(user(&d, &ext).await.stage, before.stage);

    // The sandbox decides: its real events move the user, confirmed by P100's answers.
    d.with_sandbox(|h| h.state().decide_kyc(&ext, Outcome::Approve))
        .await
        .unwrap()
        .unwrap();
    let active = wait_stage(&d, &ext, Stage::Active).await;
    assert_eq!(active.status.as_str(), "ACTIVE");
    let confirmed: Vec<String> = settled_claims(&d, &ext)
        .await
        .into_iter()
        .filter(|c| c.2 == "confirmed")
        .map(|c| c.0)
        .collect();
    assert!(
        confirmed.contains(&"kycVerificationStatus".to_owned())
            && confirmed.contains(&"userStatus".to_owned()),
        "{confirmed:?}"
    );
    // Replaying a delivery that was confirmed changes nothing twice: not even a line.
    let kept = settled_claims(&d, &ext).await.len();
    let (status, message) = hooks.post(forged[1].0, forged[1].1.clone()).await;
    assert_eq!((status, message.as_str()), (200, "already recorded"));
    assert_eq!(settled_claims(&d, &ext).await.len(), kept);

    // Proof of address under review (the sandbox waits: "manual" in the name); a forged
    // APPROVED leaves it there, the real decision moves it.
    let poa = files.path().join("manual-utility-bill.pdf");
    std::fs::write(&poa, PDF).unwrap();
    let t = d.admit_files(vec![poa]).await.unwrap().accepted;
    let rec = d
        .add_poa_files(&ext, vec![t[0].id.clone()], None)
        .await
        .unwrap();
    assert_eq!(rec.stage, Stage::ProofOfAddress);
    let (status, _) = hooks.post(forged[3].0, forged[3].1.clone()).await;
    assert_eq!(
        status, 200,
        "a new claim: the last POA claim was before the upload"
    );
    let poa_claims: Vec<_> = settled_claims(&d, &ext)
        .await
        .into_iter()
        .filter(|c| c.0 == "poaVerificationStatus")
        .collect();
    let last = poa_claims.last().unwrap();
    assert_eq!(last.2, "unconfirmed", "{last:?}");
    assert!(
        last.3.contains("WAITING"),
        "P100's answer is named: {}",
        last.3
    );
    assert_eq!(user(&d, &ext).await.stage, Stage::ProofOfAddress);
    d.with_sandbox(|h| h.state().decide_poa_now(&ext, PoaOutcome::Approve))
        .await
        .unwrap()
        .unwrap();
    let done = wait_stage(&d, &ext, Stage::Active).await;
    assert_eq!(done.poa_status.map(|p| p.as_str()), Some("APPROVED"));

    // A real deletion: the operation records it; the sandbox's DELETED webhook is confirmed by
    // P100's P412.
    d.delete_user(&ext, &ext).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let deleted: Vec<_> = settled_claims(&d, &ext)
        .await
        .into_iter()
        .filter(|c| c.1["status"] == "DELETED")
        .map(|c| c.2)
        .collect();
    assert_eq!(
        deleted.last().map(String::as_str),
        Some("confirmed"),
        "{deleted:?}"
    );
}

#[tokio::test]
async fn what_the_docs_do_not_allow_is_refused_at_the_door() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let d = started(dir.path(), &service()).await;
    let ext = under_review(&d, files.path()).await;
    let hooks = Hooks::of(&d).await;
    let refused = [
        (
            "/webhook/user/status",
            json!({"externalUserId": ext, "status": "GOD_MODE"}),
        ),
        (
            "/webhook/user/status",
            json!({"externalUserId": "../../etc", "status": "ACTIVE"}),
        ),
        (
            "/webhook/user/status",
            json!({"externalUserId": "x".repeat(101), "status": "ACTIVE"}),
        ),
        (
            "/webhook/poa-verification/status",
            json!({"externalUserId": ext, "status": "approved"}),
        ),
        (
            "/webhook/kyc-file/status",
            json!({"externalUserId": ext, "status": "DONE"}),
        ),
        (
            "/webhook/kyc-verification/status",
            json!({"externalUserId": ext, "verificationStatus": "NOT_VERIFIED", "attemptStatus": "REJECTED_BY_PROVIDER", "rejectionReason": "R".repeat(201)}),
        ),
    ];
    for (path, body) in &refused {
        let (status, message) = hooks.post(path, body.clone()).await;
        assert_eq!(status, 400, "{path} {body}: {message}");
    }
    // A body over 64 KiB is refused unread (413), even with the token.
    let big = json!({"externalUserId": ext, "status": "ACTIVE", "pad": "p".repeat(70 * 1024)});
    assert_eq!(hooks.post("/webhook/user/status", big).await.0, 413);
    // Nothing refused was kept. (Counting the claims would race the sandbox's own webhook when
    // its review ends meanwhile: that one is real and is kept.)
    let kept = settled_claims(&d, &ext).await;
    for (_, body) in &refused {
        assert!(
            kept.iter().all(|c| &c.1 != body),
            "a refused body was kept: {body}"
        );
    }
    assert!(
        kept.iter().all(|c| c.1.get("pad").is_none()),
        "the oversized body was not kept"
    );
}
