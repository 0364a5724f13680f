//! Every user operation through the desk on the embedded sandbox: the roster, timeline,
//! journal and outbox effects, and document tokens that refuse anything but the picked file.

use desk::Desk;
use desk::users::{HostedKycForm, NewUser, VerificationForm};
use p100::models::{
    DocumentType, IncomeSource, KycFileSide, OpenAccountReason, TransactionQuery, UserProfile,
};
use std::path::{Path, PathBuf};
use std::time::Duration;

mod common;
use common::{JPEG, desk};

/// Ada, living in `country`.
fn form(country: &str) -> NewUser {
    common::new_user("ada@example.com", country)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// A real PNG, so that the thumbnail path runs.
fn png(dir: &Path, name: &str) -> PathBuf {
    let img = image::RgbImage::from_fn(400, 300, |x, y| {
        image::Rgb([(x % 255) as u8, (y % 255) as u8, 90])
    });
    let p = dir.join(name);
    img.save(&p).unwrap();
    p
}

fn journal_ops(rows: &[desk::ledger::journal::JournalEntry]) -> Vec<(String, String)> {
    rows.iter()
        .rev()
        .map(|j| (j.operation.clone(), j.outcome.clone()))
        .collect()
}

async fn wait_active(d: &Desk, ext: &str) {
    for _ in 0..200 {
        if d.balances(ext)
            .await
            .is_ok_and(|b| !b.fiat_balances.is_empty())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never activated");
}

#[tokio::test]
async fn documents_become_tokens_and_only_the_picked_file_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let pdf = write(
        files.path(),
        "bill.pdf",
        b"%PDF-1.4\n<</Type /Page>> <</Type /Page>> <</Type /Pages>>",
    );
    let picture = png(files.path(), "passport.png");
    let gif = write(files.path(), "photo.jpg", b"GIF89a-not-really");
    let big = write(
        files.path(),
        "big.jpg",
        &[JPEG, &vec![0u8; 5 * 1024 * 1024]].concat(),
    );
    #[cfg(unix)]
    let link = {
        let l = files.path().join("link.pdf");
        std::os::unix::fs::symlink(&pdf, &l).unwrap();
        l
    };
    let mut paths = vec![
        pdf.clone(),
        picture.clone(),
        gif,
        big,
        files.path().join("missing.pdf"),
    ];
    #[cfg(unix)]
    paths.push(link);
    let admitted = d.admit_files(paths).await.unwrap();
    assert_eq!(admitted.accepted.len(), 2);
    let bill = &admitted.accepted[0];
    assert_eq!(
        (
            bill.name.as_str(),
            bill.mime.as_str(),
            bill.thumbnail.as_deref()
        ),
        ("bill.pdf", "application/pdf", None)
    );
    let pic = &admitted.accepted[1];
    assert_eq!(pic.mime, "image/png");
    assert!(
        pic.thumbnail
            .as_deref()
            .is_some_and(|t| t.starts_with("data:image/png;base64,"))
    );
    let why: Vec<_> = admitted
        .rejected
        .iter()
        .map(|r| (r.name.as_str(), r.message.as_str()))
        .collect();
    assert!(
        why.iter()
            .any(|(n, m)| *n == "photo.jpg" && m.contains("not a JPEG, PNG or PDF")),
        "{why:?}"
    );
    assert!(
        why.iter()
            .any(|(n, m)| *n == "big.jpg" && m.contains("at most 5 MB")),
        "{why:?}"
    );
    assert!(
        why.iter()
            .any(|(n, m)| *n == "missing.pdf" && m.contains("cannot be read")),
        "{why:?}"
    );
    #[cfg(unix)]
    assert!(
        why.iter()
            .any(|(n, m)| *n == "link.pdf" && m.contains("is a link")),
        "{why:?}"
    );

    let user = d.create_user(form("UA")).await.unwrap();
    let ext = user.external_user_id.clone();
    // A forged token and a raw path are refused before anything is sent.
    for fake in [
        "0b7c6f1e-0000-4000-8000-000000000000".to_owned(),
        pdf.display().to_string(),
    ] {
        let err = d.add_poa_files(&ext, vec![fake], None).await.unwrap_err();
        assert_eq!(err.kind(), "invalid");
        assert!(
            err.field_errors()[0]
                .message
                .contains("not picked in this session"),
            "{err:?}"
        );
    }
    // A file changed after picking is refused too.
    std::fs::write(&pdf, b"%PDF-1.4\n% swapped").unwrap();
    let err = d
        .add_poa_files(&ext, vec![bill.id.clone()], None)
        .await
        .unwrap_err();
    assert!(
        err.field_errors()[0]
            .message
            .contains("changed after it was picked"),
        "{err:?}"
    );
    assert!(
        d.with_sandbox(|h| h.state().user(&ext).unwrap().poa.unwrap().status.is_none())
            .await
            .unwrap(),
        "nothing reached P100"
    );
    // Picked again, it goes.
    let again = d.admit_files(vec![pdf]).await.unwrap();
    let rec = d
        .add_poa_files(&ext, vec![again.accepted[0].id.clone()], None)
        .await
        .unwrap();
    assert_eq!(rec.poa_status.map(|p| p.as_str()), Some("WAITING"));
}

#[tokio::test]
async fn method_a_to_active_with_journal_timeline_and_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let user = d.create_user(form("PL")).await.unwrap();
    let ext = user.external_user_id.clone();
    let front = write(files.path(), "front.jpg", JPEG);
    let selfie = write(files.path(), "selfie.jpg", JPEG);
    let t = d.admit_files(vec![front, selfie]).await.unwrap().accepted;
    let back = d
        .add_kyc_files(
            &ext,
            DocumentType::Passport,
            vec![(KycFileSide::Back, t[0].id.clone())],
            None,
        )
        .await;
    assert_eq!(
        back.unwrap_err().field_errors()[0].field,
        "back",
        "a passport has no back"
    );
    let reported = std::sync::Arc::new(std::sync::Mutex::new(0u64));
    let r2 = reported.clone();
    let progress: p100::upload::ProgressFn =
        std::sync::Arc::new(move |p| *r2.lock().unwrap() = p.sent);
    let rec = d
        .add_kyc_files(
            &ext,
            DocumentType::Passport,
            vec![
                (KycFileSide::Front, t[0].id.clone()),
                (KycFileSide::Selfie, t[1].id.clone()),
            ],
            Some(progress),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            rec.kyc_method.map(|m| m.as_str()),
            rec.attempt_status.map(|p| p.as_str())
        ),
        (Some("files"), Some("PENDING"))
    );
    assert_eq!(*reported.lock().unwrap(), JPEG.len() as u64);

    let bad = VerificationForm {
        document_type: DocumentType::Passport,
        document_number: "AB 12".into(),
        issuing_country: "PL".into(),
        issue_date: None,
        expiry_date: "2001-01-01".into(),
    };
    let err = d.add_verification(&ext, bad).await.unwrap_err();
    let fields: Vec<_> = err.field_errors().into_iter().map(|f| f.field).collect();
    assert_eq!(fields, ["documentNumber", "expiryDate"]);
    let ok = VerificationForm {
        document_type: DocumentType::Passport,
        document_number: "ab123456".into(),
        issuing_country: "pl".into(),
        issue_date: Some("".into()),
        expiry_date: "2034-05-06".into(),
    };
    let rec = d.add_verification(&ext, ok).await.unwrap();
    assert_eq!(rec.attempt_status.map(|p| p.as_str()), Some("VERIFICATION"));
    wait_active(&d, &ext).await;
    let rec = d.refresh_kyc_status(&ext).await.unwrap();
    assert_eq!(
        (
            rec.status.as_str(),
            rec.verification_status.map(|p| p.as_str())
        ),
        ("ACTIVE", Some("VERIFIED"))
    );
    let page = d
        .transactions(
            &ext,
            TransactionQuery {
                limit: Some(3),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 3);

    assert_eq!(
        journal_ops(&d.journal(50).await.unwrap()),
        [
            ("createUser", "ok"),
            ("addKycFile", "ok"),
            ("addUserVerification", "ok")
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    let conn = rusqlite::Connection::open(d.db_path()).unwrap();
    let kinds: Vec<String> = conn
        .prepare("SELECT kind FROM events WHERE external_user_id = ?1 ORDER BY id")
        .unwrap()
        .query_map([&ext], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        kinds,
        [
            "created",
            "kycFilesUploaded",
            "verificationSubmitted",
            "activated",
            "kycStatus"
        ]
    );
    let open: i64 = conn
        .query_row(
            "SELECT count(*) FROM outbox WHERE state <> 'done'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(open, 0);
    let payloads: String = conn
        .query_row("SELECT group_concat(payload_json) FROM outbox", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(
        !payloads.contains(&*String::from_utf8_lossy(JPEG)),
        "no document bytes in the outbox"
    );
}

#[tokio::test]
async fn account_operations_update_the_roster_and_explain_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let user = d.create_user(form("PL")).await.unwrap();
    let ext = user.external_user_id.clone();

    let mut edited = UserProfile {
        city: Some("Gdańsk".into()),
        ..form("PL").profile
    };
    edited.email = Some("ada@example.com".into());
    let rec = d.update_user(&ext, edited.clone()).await.unwrap();
    assert_eq!(rec.email.as_deref(), Some("ada@example.com"));
    assert_eq!(
        rec.profile.city.as_deref(),
        Some("Gdańsk"),
        "the whole profile, for the edit form"
    );
    let sent = d
        .with_sandbox(|h| h.state().user(&ext).unwrap().profile.city)
        .await
        .unwrap();
    assert_eq!(sent.as_deref(), Some("Gdańsk"));
    assert_eq!(
        d.update_user(&ext, edited).await.unwrap_err().kind(),
        "invalid",
        "nothing changed, nothing sent"
    );

    let err = d.suspend_user(&ext, "  ".into()).await.unwrap_err();
    assert_eq!(err.field_errors()[0].field, "reason");
    let rec = d
        .suspend_user(&ext, "chargeback investigation".into())
        .await
        .unwrap();
    assert_eq!(rec.status.as_str(), "SUSPENDED");
    let again = d.suspend_user(&ext, "again".into()).await.unwrap_err();
    assert_eq!(again.operator_message(), "The user is suspended (P455).");
    let rec = d.unsuspend_user(&ext, "cleared".into()).await.unwrap();
    assert_eq!(rec.status.as_str(), "WAITING_FOR_ACTIVATION");
    let err = d.extend_user(&ext).await.unwrap_err();
    assert!(
        err.operator_message().contains("P459"),
        "{}",
        err.operator_message()
    );

    d.with_sandbox(|h| h.state().set_active_cards(&ext, true).unwrap())
        .await
        .unwrap();
    let cards = d.suspend_user(&ext, "fraud".into()).await.unwrap_err();
    assert!(cards.operator_message().contains("active cards (P454)"));

    let wrong = d.delete_user(&ext, "someone@else.com").await.unwrap_err();
    assert_eq!(wrong.field_errors()[0].field, "confirmation");
    let rec = d.delete_user(&ext, "ada@example.com").await.unwrap();
    assert_eq!(rec.status.as_str(), "DELETED");
    assert!(rec.deleted_at.is_some());
    let roster = d.users().await.unwrap();
    assert_eq!(roster.len(), 1, "the tombstone stays");
    assert_eq!(
        d.suspend_user(&ext, "x".into()).await.unwrap_err().kind(),
        "invalid",
        "deleted: nothing is sent"
    );

    let j = d.journal(50).await.unwrap();
    let suspend = j
        .iter()
        .find(|e| e.operation == "suspendUser" && e.outcome == "ok")
        .unwrap();
    assert_eq!(suspend.message.as_deref(), Some("chargeback investigation"));
    let refused = j
        .iter()
        .find(|e| e.operation == "suspendUser" && e.p100_code.as_deref() == Some("P454"))
        .unwrap();
    assert_eq!(refused.outcome, "error");
}

#[tokio::test]
async fn hosted_kyc_gives_a_browser_link_and_checks_p100s_conditions_first() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let ext = d.create_user(form("PL")).await.unwrap().external_user_id;
    let mut f = HostedKycForm {
        document_type: DocumentType::IdCard,
        country: "pl".into(),
        income_source: IncomeSource::Salary,
        open_account_reason: OpenAccountReason::DailyUse,
        tax_id: None,
        occupation: None,
        additional_info: None,
    };
    let err = d.start_hosted_kyc(&ext, f.clone()).await.unwrap_err();
    let fields: Vec<_> = err.field_errors().into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["occupation", "additionalInfo"]);
    f.occupation = Some(p100::models::Occupation::It);
    f.additional_info = Some("developer".into());
    let session = d.start_hosted_kyc(&ext, f).await.unwrap();
    assert!(session.url.contains(&format!(
        "/v1/kyc/verification/{ext}/{}",
        session.verification_id
    )));
    assert_eq!(d.hosted_kyc_url(&ext).await.unwrap(), session.url);
    let page = reqwest::get(&session.url).await.unwrap();
    assert!(page.text().await.unwrap().contains("/_sandbox/provider/"));
}
