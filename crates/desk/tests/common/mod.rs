//! Fixtures shared by the desk's integration tests: a desk on a throwaway folder with its own
//! keychain service (a real Secret Service inside `scripts/with-desktop.sh`), and a user taken
//! to "verification submitted" through Method A on whatever P100 the desk is pointed at.
// Each test binary uses some of these.
#![allow(dead_code)]

use desk::onboarding::Stage;
use desk::users::{NewUser, VerificationForm};
use desk::{Desk, DeskConfig};
use p100::models::{DocumentType, KycFileSide, UserProfile};
use std::path::Path;
use std::sync::Arc;

/// A JPEG signature and a few bytes: enough for the desk's content check.
pub const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 1,
];

/// A keychain service of the test's own, so tests never meet each other's (or real) entries.
pub fn service() -> String {
    format!("partner-desk-test-{}", uuid::Uuid::new_v4())
}

pub fn config(dir: &Path, service: &str) -> DeskConfig {
    let mut cfg = DeskConfig::new(dir);
    cfg.keychain_service = service.to_owned();
    cfg
}

/// A desk on `dir` with live sync started.
pub async fn started(dir: &Path, service: &str) -> Arc<Desk> {
    let d = Arc::new(Desk::open(config(dir, service)).await.unwrap());
    d.start_sync().await.unwrap();
    d
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
        .create_user(NewUser {
            has_accepted_p100_tc: true,
            profile: UserProfile {
                email: Some(who.email.into()),
                first_name: Some("Ada".into()),
                last_name: Some("Lovelace".into()),
                country: Some(who.country.into()),
                citizenship: Some(who.country.into()),
                ..Default::default()
            },
        })
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
