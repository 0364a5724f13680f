//! Documents from a desktop in team mode, through a real replica, to the sandbox: the desk core
//! streams the files (with progress) to the hub, the hub spools them, checks them as a desk does
//! and sends them to P100 as the operator. Refusals come back at the field, and the spool is
//! gone after every request, whatever its end.

mod common;

use common::{operator, start_replica};
use desk::api::DeskApi;
use desk::{Desk, DeskConfig};
use p100::models::{DocumentType, KycFileSide};
use p100_sandbox::SandboxConfig;
use reqwest::multipart::{Form, Part};
use std::path::Path;
use std::sync::{Arc, Mutex};

const P100_KEY: &str = "sandbox-key-for-the-upload-tests-7d";
const WEBHOOK_TOKEN: &str = "whk_upload-tests-webhook-token-91f2";
/// A JPEG signature and a few bytes: enough for the desk's content check.
const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 1,
];
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Page >>\n%%EOF\n";

fn file(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn spooled(tmp: &Path) -> Vec<String> {
    std::fs::read_dir(tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// A multipart upload as any HTTP client could send it; the answer's status and field.
async fn post(
    base: &str,
    token: &str,
    path: &str,
    form: Form,
) -> (reqwest::StatusCode, Option<String>, String) {
    let res = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("the replica answers");
    let status = res.status();
    let body: serde_json::Value = res.json().await.unwrap_or_default();
    let field = body["fields"][0]["field"].as_str().map(str::to_owned);
    // The field's own message when there is one: that is what the form shows.
    let message = match &body["fields"][0]["message"] {
        serde_json::Value::String(m) => m.clone(),
        _ => body["message"].to_string(),
    };
    (status, field, message)
}

fn part(name: &str, bytes: Vec<u8>) -> Part {
    Part::bytes(bytes).file_name(name.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_stream_from_a_desktop_through_the_hub_to_p100_as_the_operator() {
    let (_, sandbox) = p100_sandbox::spawn(SandboxConfig::local(P100_KEY))
        .await
        .unwrap();
    let url = tokio::task::block_in_place(common::migrated_database);
    let olga = operator(&url, "olga", "operator");
    let audrey = operator(&url, "audrey", "auditor");
    let replica = start_replica(&url, &sandbox.base_url(), P100_KEY, WEBHOOK_TOKEN);
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = DeskConfig::new(dir.path());
    cfg.keychain_service = format!("partner-desk-test-{}", uuid::Uuid::new_v4());
    let desk = Desk::open(cfg)
        .await
        .expect("the desk opens (a Secret Service runs in scripts/with-desktop.sh)");
    desk.team_connect(replica.base.clone(), olga.clone())
        .await
        .unwrap();
    let hub = desk.hub().unwrap();
    let poa_country = p100::countries::POA_COUNTRIES[0];
    let user = hub
        .user_create(common::person(
            "ines@example.com",
            "Inès",
            "Duval",
            poa_country,
        ))
        .await
        .unwrap();
    let ext = user.external_user_id.clone();

    // KYC images picked on the desktop, sent through the hub, with progress to the last byte.
    let big: Vec<u8> = JPEG
        .iter()
        .copied()
        .chain(std::iter::repeat_n(7u8, 3 << 20))
        .collect();
    let admitted = desk
        .admit_files(vec![
            file(dir.path(), "front of card.jpg", &big),
            file(dir.path(), "back.jpg", JPEG),
        ])
        .await
        .unwrap();
    assert_eq!(admitted.accepted.len(), 2, "{admitted:?}");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let progress: p100::upload::ProgressFn = Arc::new(move |p| log.lock().unwrap().push(p));
    let record = desk
        .add_kyc_files(
            &ext,
            DocumentType::IdCard,
            vec![
                (KycFileSide::Front, admitted.accepted[0].id.clone()),
                (KycFileSide::Back, admitted.accepted[1].id.clone()),
            ],
            Some(progress),
        )
        .await
        .expect("the upload goes through the hub");
    assert_eq!(record.external_user_id, ext);
    let seen = seen.lock().unwrap().clone();
    let last_of_front = seen.iter().rfind(|p| p.file == 0).unwrap();
    assert_eq!(last_of_front.sent, big.len() as u64);
    assert!(
        seen.iter().filter(|p| p.file == 0).count() > 1,
        "the 3 MB file's progress moves in steps: {seen:?}"
    );

    // P100 has them, under the names the operator picked.
    let at_p100 = serde_json::to_value(sandbox.state().user(&ext).unwrap()).unwrap();
    let text = at_p100.to_string();
    assert!(
        text.contains("front of card.jpg") && text.contains("back.jpg"),
        "{at_p100}"
    );
    // The team's timeline and journal name Olga, not the hub or the OS user.
    let timeline = hub.user_timeline(ext.clone()).await.unwrap();
    let uploaded = timeline
        .iter()
        .find(|e| e.kind() == "kycFilesUploaded")
        .expect("the upload is on the timeline");
    assert_eq!(uploaded.actor.as_deref(), Some("olga"));
    let journal = hub.journal_recent(Some(20)).await.unwrap();
    let line = journal
        .iter()
        .find(|j| j.operation == "addKycFile")
        .expect("the upload is journaled");
    assert_eq!(
        (line.operator.as_str(), line.outcome.as_str()),
        ("olga", "ok")
    );

    // Proof of address: a PDF through the hub.
    let admitted = desk
        .admit_files(vec![file(dir.path(), "bill.pdf", PDF)])
        .await
        .unwrap();
    desk.add_poa_files(&ext, vec![admitted.accepted[0].id.clone()], None)
        .await
        .expect("the proof of address goes through the hub");
    let text = serde_json::to_string(&sandbox.state().user(&ext).unwrap()).unwrap();
    assert!(text.contains("bill.pdf"), "{text}");

    // Any HTTP client is refused at the field, and the role is checked first.
    let base = &replica.base;
    let kyc = format!("/api/user/kyc-files/{ext}");
    let form = || Form::new().text("documentType", "ID_CARD");
    let (status, _, _) = post(
        base,
        &audrey,
        &kyc,
        form().part("front", part("a.jpg", JPEG.to_vec())),
    )
    .await;
    assert_eq!(status, 403, "an auditor may not upload");
    let (status, field, msg) = post(
        base,
        &olga,
        &kyc,
        form().part("front", part("a.jpg", b"not an image at all".to_vec())),
    )
    .await;
    assert_eq!(
        (status.as_u16(), field.as_deref()),
        (400, Some("front")),
        "{msg}"
    );
    let too_big: Vec<u8> = JPEG
        .iter()
        .copied()
        .chain(std::iter::repeat_n(
            0u8,
            desk::documents::MAX_BYTES as usize,
        ))
        .collect();
    let (status, field, msg) = post(
        base,
        &olga,
        &kyc,
        form().part("front", part("big.jpg", too_big)),
    )
    .await;
    assert_eq!(
        (status.as_u16(), field.as_deref()),
        (400, Some("front")),
        "{msg}"
    );
    assert!(msg.contains("larger"), "{msg}");
    let (status, field, msg) = post(
        base,
        &olga,
        &kyc,
        form().part("left", part("a.jpg", JPEG.to_vec())),
    )
    .await;
    assert_eq!(
        (status.as_u16(), field.as_deref()),
        (400, Some("left")),
        "{msg}"
    );
    let (status, field, msg) = post(
        base,
        &olga,
        &kyc,
        Form::new().part("front", part("a.jpg", JPEG.to_vec())),
    )
    .await;
    assert_eq!(
        (status.as_u16(), field.as_deref()),
        (400, Some("documentType")),
        "{msg}"
    );
    let (status, field, msg) = post(
        base,
        &olga,
        &kyc,
        Form::new()
            .text("documentType", "DRIVING_LICENCE")
            .part("front", part("a.jpg", JPEG.to_vec())),
    )
    .await;
    assert_eq!(
        (status.as_u16(), field.as_deref()),
        (400, Some("documentType")),
        "{msg}"
    );
    let (status, field, msg) = post(
        base,
        &olga,
        "/api/user/poa-files/nobody-we-know",
        Form::new().part("files", part("bill.pdf", PDF.to_vec())),
    )
    .await;
    assert_eq!(
        (status.as_u16(), field.as_deref()),
        (400, Some("externalUserId")),
        "{msg}"
    );
    let four = (0..4).fold(Form::new(), |f, i| {
        f.part("files", part(&format!("{i}.pdf"), PDF.to_vec()))
    });
    let (status, field, msg) = post(base, &olga, &format!("/api/user/poa-files/{ext}"), four).await;
    assert_eq!(
        (status.as_u16(), field.as_deref()),
        (400, Some("files")),
        "{msg}"
    );
    let (status, _, _) = post(base, "pdh_nope", &kyc, form()).await;
    assert_eq!(status, 401);

    // A desktop in team mode gets the hub's refusal at the field too.
    let admitted = desk
        .admit_files(vec![file(dir.path(), "selfie.jpg", JPEG)])
        .await
        .unwrap();
    let e = desk
        .add_kyc_files(
            "nobody-we-know",
            DocumentType::IdCard,
            vec![(KycFileSide::Front, admitted.accepted[0].id.clone())],
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(e.field_errors()[0].field, "externalUserId", "{e}");

    // Nothing is left in the replica's spool, after successes and refusals alike.
    assert_eq!(spooled(&replica.tmp()), Vec::<String>::new());
}
