//! Reviews polled as queued work: with no webhook reaching the hub, two replicas on one database
//! poll P100 for a user under review — one poll at a time, whichever replica takes it — and the
//! user moves once P100 decides, recorded once. The poll row follows the user into review and
//! out of it (a trigger), so nothing is polled for nothing.

mod common;

use common::{operator, start_replica};
use desk::api::DeskApi;
use desk::hub_client::HubClient;
use desk::onboarding::Stage;
use p100::models::{DocumentType, VerificationStatus};
use p100::upload::UploadFile;
use p100_sandbox::SandboxConfig;
use std::time::{Duration, Instant};

const P100_KEY: &str = "sandbox-key-for-the-polling-tests-3a";
const WEBHOOK_TOKEN: &str = "whk_polling-tests-webhook-token-6b10";
const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 1,
];

fn polls_of(url: &str, ext: &str) -> i64 {
    common::psql(url)
        .query_one(
            "SELECT count(*) FROM review_polls WHERE external_user_id = $1",
            &[&ext],
        )
        .unwrap()
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_poll_a_review_once_at_a_time_until_p100_decides() {
    // No webhooks from this sandbox: only polling can move the user.
    let (_, sandbox) = p100_sandbox::spawn(
        SandboxConfig::local(P100_KEY).with_review_delay(Duration::from_secs(3)),
    )
    .await
    .unwrap();
    let url = tokio::task::block_in_place(common::migrated_database);
    let olga = operator(&url, "olga", "operator");
    let a = start_replica(&url, &sandbox.base_url(), P100_KEY, WEBHOOK_TOKEN);
    let b = start_replica(&url, &sandbox.base_url(), P100_KEY, WEBHOOK_TOKEN);
    let hub = HubClient::new(a.base.parse().unwrap(), &olga).unwrap();

    let user = hub
        .user_create(common::person("pia@example.com", "Pia", "Koval", "PL"))
        .await
        .unwrap();
    let ext = user.external_user_id.clone();
    let url2 = url.clone();
    let e2 = ext.clone();
    assert_eq!(
        tokio::task::block_in_place(|| polls_of(&url2, &e2)),
        0,
        "a new user is not under review"
    );
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<UploadFile> = ["front", "selfie"]
        .iter()
        .map(|side| {
            let path = dir.path().join(format!("{side}.jpg"));
            std::fs::write(&path, JPEG).unwrap();
            UploadFile {
                field: (*side).to_owned(),
                file_name: format!("{side}.jpg"),
                mime: "image/jpeg".into(),
                path,
                size: JPEG.len() as u64,
            }
        })
        .collect();
    hub.add_kyc_files(&ext, DocumentType::Passport, &files, None)
        .await
        .unwrap();
    let submitted = hub
        .user_verify(
            ext.clone(),
            desk::kyc::VerificationForm {
                document_type: DocumentType::Passport,
                document_number: "PL1234567".into(),
                issuing_country: "PL".into(),
                issue_date: None,
                expiry_date: "2034-05-06".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(submitted.stage, Stage::VerificationSubmitted);
    let (url2, e2) = (url.clone(), ext.clone());
    assert_eq!(
        tokio::task::block_in_place(|| polls_of(&url2, &e2)),
        1,
        "entering review queues one poll"
    );

    // P100 decides after 3 s; the next poll (2 s, 4 s, … apart) sees it.
    let started = Instant::now();
    let decided = loop {
        let now = hub.user_get(ext.clone()).await.unwrap();
        // Verified, then activated by the balances (two steps, two transactions).
        if now.stage == Stage::Active {
            break now;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the review was never polled: {now:?}\nA: {}\nB: {}",
            a.log_text(),
            b.log_text()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(
        decided.verification_status,
        Some(VerificationStatus::Verified)
    );

    // Recorded once, from a poll (no webhook came), by whichever replica polled.
    let timeline = hub.user_timeline(ext.clone()).await.unwrap();
    let from_polls: Vec<_> = timeline
        .iter()
        .filter(|e| e.source == desk::timeline::EventSource::Poll)
        .map(|e| e.kind())
        .collect();
    assert_eq!(
        from_polls.iter().filter(|k| **k == "kycStatus").count(),
        1,
        "{from_polls:?}"
    );
    assert!(
        timeline.iter().all(|e| e.kind() != "webhookClaim"),
        "no webhook was sent"
    );
    // Out of review, out of the queue.
    let (url2, e2) = (url.clone(), ext.clone());
    assert_eq!(tokio::task::block_in_place(|| polls_of(&url2, &e2)), 0);
    drop((a, b));
}
