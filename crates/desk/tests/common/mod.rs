//! Fixtures shared by the desk's integration tests: a desk on a throwaway folder with its own
//! keychain service (a real Secret Service inside `scripts/with-desktop.sh`), and a user taken
//! to "verification submitted" through Method A on whatever P100 the desk is pointed at.
// Each test binary uses some of these.
#![allow(dead_code)]

use desk::credentials::Keychain;
use desk::onboarding::Stage;
use desk::users::{NewUser, VerificationForm};
use desk::{Desk, DeskConfig, EnvironmentKind};
use p100::models::{DocumentType, KycFileSide, UserProfile};
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// A JPEG signature and a few bytes: enough for the desk's content check.
pub const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 1,
];

/// A PDF signature and a page: enough for the desk's and the sandbox's content checks.
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Page >>\n%%EOF\n";

/// A keychain service of the test's own, so tests never meet each other's (or real) entries.
pub fn service() -> String {
    format!("partner-desk-test-{}", uuid::Uuid::new_v4())
}

/// The config of a desk on `dir` that keeps its keys under `service`.
pub fn config(dir: &Path, service: &str) -> DeskConfig {
    let mut cfg = DeskConfig::new(dir);
    cfg.keychain_service = service.to_owned();
    cfg
}

/// The config of a desk on `dir` with a keychain service of its own, for tests that need the
/// config itself (to change it, or to see `Desk::open` fail).
pub fn fresh_config(dir: &Path) -> DeskConfig {
    config(dir, &service())
}

/// A desk on `dir` keeping its keys under `service`, for tests that reopen or inspect them.
pub async fn open(dir: &Path, service: &str) -> Desk {
    Desk::open(config(dir, service)).await.unwrap()
}

/// A desk on `dir` with a keychain service of its own.
pub async fn desk(dir: &Path) -> Desk {
    open(dir, &service()).await
}

/// A desk on `dir` with live sync started.
pub async fn started(dir: &Path, service: &str) -> Arc<Desk> {
    let d = Arc::new(open(dir, service).await);
    d.start_sync().await.unwrap();
    d
}

/// Fails with instructions rather than passing silently when no Secret Service is running.
pub fn require_keychain(k: &Keychain) {
    if let Err(e) = k.is_set(EnvironmentKind::Staging) {
        panic!(
            "this test needs a running, unlocked Secret Service (run it inside scripts/with-desktop.sh): {e}"
        );
    }
}

/// A valid create form with only the required fields: Ada Lovelace, living in and a citizen of
/// `country`.
pub fn new_user(email: &str, country: &str) -> NewUser {
    NewUser {
        has_accepted_p100_tc: true,
        profile: UserProfile {
            email: Some(email.into()),
            first_name: Some("Ada".into()),
            last_name: Some("Lovelace".into()),
            country: Some(country.into()),
            citizenship: Some(country.into()),
            ..Default::default()
        },
    }
}

/// Who is onboarded, and the document number that steers the sandbox's review (`MANUAL…`
/// waits for a decision, anything else is approved after the review delay).
pub struct Applicant<'a> {
    pub email: &'a str,
    pub country: &'a str,
    pub document_number: &'a str,
}

/// Creates the applicant, uploads a passport (front and selfie) and submits the verification;
/// P100's review is then under way. Returns the `externalUserId`.
pub async fn submit(d: &Desk, files: &Path, who: Applicant<'_>) -> String {
    let user = d
        .create_user(new_user(who.email, who.country))
        .await
        .unwrap();
    assert_eq!(user.stage, Stage::Created);
    let ext = user.external_user_id;
    let path = files.join(format!("{}.jpg", who.email));
    std::fs::write(&path, JPEG).unwrap();
    let t = d
        .admit_files(vec![path.clone(), path])
        .await
        .unwrap()
        .accepted;
    let rec = d
        .add_kyc_files(
            &ext,
            DocumentType::Passport,
            vec![
                (KycFileSide::Front, t[0].id.clone()),
                (KycFileSide::Selfie, t[1].id.clone()),
            ],
            None,
        )
        .await
        .unwrap();
    assert_eq!(rec.stage, Stage::IdentityDocuments);
    let rec = d
        .add_verification(
            &ext,
            VerificationForm {
                document_type: DocumentType::Passport,
                document_number: who.document_number.into(),
                issuing_country: who.country.into(),
                issue_date: None,
                expiry_date: "2034-05-06".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(rec.stage, Stage::VerificationSubmitted);
    ext
}

/// The webhook claims on a user's timeline once none is pending: (event, claim body,
/// confirmation, note).
pub async fn settled_claims(d: &Desk, ext: &str) -> Vec<(String, Value, String, String)> {
    tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            let claims: Vec<_> = d
                .timeline(ext)
                .await
                .unwrap()
                .into_iter()
                .filter(|e| e.kind() == "webhookClaim")
                .map(|e| {
                    let text = |k: &str| e.detail()[k].as_str().unwrap_or_default().to_owned();
                    (
                        text("event"),
                        e.detail()["claim"].clone(),
                        text("confirmation"),
                        text("note"),
                    )
                })
                .collect();
            if claims.iter().all(|c| c.2 != "pending") {
                return claims;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("every claim is settled")
}

/// Every file under `dir`, in its subfolders too.
pub fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
