//! Tracking users the partner's own backend made at P100 (here: straight in a standalone
//! sandbox, never through the desk), in every state the reads can tell apart. Each lands in the
//! stage P100's reads put it in; an id P100 does not know is reported and not added; bad and
//! repeated ids are refused; a second run adds nobody; and a tracked user then behaves like a
//! created one (P100's review moves it, operations work on it).

mod common;

use desk::EnvironmentKind;
use desk::onboarding::Stage;
use desk::tracking::TrackOutcome;
use p100::models::{
    CreateUserRequest, DocumentType, KycFileSide, UserProfile, UserStatus, UserVerificationRequest,
};
use p100_sandbox::SandboxConfig;
use p100_sandbox::files::Upload;
use p100_sandbox::model::Outcome;
use std::sync::Arc;

const KEY: &str = "tracking-test-sandbox-key-1f";

/// What the partner's backend did for one user, at P100 only.
#[derive(Clone, Copy)]
enum Made {
    Created,
    Documents,
    Submitted,
    Approved,
    Rejected,
}

fn make(sb: &Arc<p100_sandbox::state::Sandbox>, ext: &str, made: Made) {
    sb.create_user(CreateUserRequest {
        external_user_id: ext.into(),
        has_accepted_p100_tc: true,
        profile: UserProfile {
            email: Some(format!("{ext}@partner.example")),
            first_name: Some("Noor".into()),
            last_name: Some("Haddad".into()),
            country: Some("PL".into()),
            citizenship: Some("PL".into()),
            ..Default::default()
        },
    })
    .unwrap();
    if matches!(made, Made::Created) {
        return;
    }
    let upload = |side: &str| Upload {
        field: side.into(),
        file_name: format!("{side}.jpg"),
        size: 1000,
        mime: Some("image/jpeg"),
    };
    sb.add_kyc_files(
        ext,
        DocumentType::Passport,
        &[
            (KycFileSide::Front, upload("front")),
            (KycFileSide::Selfie, upload("selfie")),
        ],
    )
    .unwrap();
    if matches!(made, Made::Documents) {
        return;
    }
    sb.add_verification(UserVerificationRequest {
        external_user_id: ext.into(),
        document_type: DocumentType::Passport,
        // MANUAL…: the review waits for the decision below.
        document_number: "MANUAL-1".into(),
        issuing_country: "PL".into(),
        issue_date: None,
        expiry_date: "2034-01-01".into(),
    })
    .unwrap();
    match made {
        Made::Approved => sb.decide_kyc(ext, Outcome::Approve).unwrap(),
        Made::Rejected => sb
            .decide_kyc(
                ext,
                Outcome::Reject {
                    reason: "DOCUMENT_DAMAGED".into(),
                },
            )
            .unwrap(),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_made_by_the_partners_backend_are_tracked_where_p100_reads_put_them() {
    let (_, sandbox) = p100_sandbox::spawn(SandboxConfig::local(KEY))
        .await
        .unwrap();
    let sb = sandbox.state().clone();
    let dir = tempfile::tempdir().unwrap();
    let d = common::desk(dir.path()).await;
    d.select_environment(EnvironmentKind::Custom, Some(sandbox.base_url()))
        .await
        .unwrap();
    d.set_api_key(EnvironmentKind::Custom, KEY.into())
        .await
        .unwrap();
    let made = [
        ("backend-created", Made::Created, Stage::Created),
        (
            "backend-documents",
            Made::Documents,
            Stage::IdentityDocuments,
        ),
        (
            "backend-submitted",
            Made::Submitted,
            Stage::VerificationSubmitted,
        ),
        ("backend-approved", Made::Approved, Stage::Active),
        ("backend-rejected", Made::Rejected, Stage::NeedsAction),
    ];
    for (ext, m, _) in made {
        make(&sb, ext, m);
    }
    // One created through the desk: already on the roster.
    let own = d
        .create_user(common::new_user("own@example.com", "PL"))
        .await
        .unwrap();

    let mut ids: Vec<String> = made.iter().map(|(e, _, _)| format!(" {e} ")).collect();
    ids.extend([
        "nobody-at-p100".into(),
        "a/b".into(),
        "backend-created".into(),
        String::new(),
        own.external_user_id.clone(),
    ]);
    let results = d.track_users(ids).await.unwrap();
    let got: Vec<(&str, TrackOutcome, Option<Stage>)> = results
        .iter()
        .map(|r| (r.external_user_id.as_str(), r.outcome, r.stage))
        .collect();
    let mut want: Vec<(&str, TrackOutcome, Option<Stage>)> = made
        .iter()
        .map(|(e, _, s)| (*e, TrackOutcome::Tracked, Some(*s)))
        .collect();
    want.extend([
        ("nobody-at-p100", TrackOutcome::Unknown, None),
        ("a/b", TrackOutcome::Refused, None),
        ("backend-created", TrackOutcome::Refused, None),
        (
            own.external_user_id.as_str(),
            TrackOutcome::AlreadyTracked,
            Some(Stage::Created),
        ),
    ]);
    assert_eq!(got, want);
    assert!(
        results[6]
            .message
            .as_deref()
            .unwrap()
            .contains("externalUserId")
    );
    assert!(results[7].message.as_deref().unwrap().contains("repeats"));

    // On the roster like any user, with the state P100 showed; the unknown id is not.
    let roster = d.users().await.unwrap();
    assert_eq!(roster.len(), 6);
    assert!(
        roster
            .iter()
            .all(|u| u.external_user_id != "nobody-at-p100")
    );
    let approved = d.user("backend-approved").await.unwrap();
    assert_eq!(approved.status, UserStatus::Active);
    let timeline = d.timeline("backend-submitted").await.unwrap();
    assert_eq!(timeline[0].kind(), "tracked");

    // Again: nobody is added twice.
    let again = d
        .track_users(vec!["backend-created".into(), "backend-approved".into()])
        .await
        .unwrap();
    assert!(
        again
            .iter()
            .all(|r| r.outcome == TrackOutcome::AlreadyTracked)
    );
    assert_eq!(d.users().await.unwrap().len(), 6);

    // Then like a created user: P100's review moves it, operations act on it.
    // P100 approves; the operator's "Refresh KYC" records it, and the balances now open
    // activate the user.
    sb.decide_kyc("backend-submitted", Outcome::Approve)
        .unwrap();
    let moved = d.refresh_kyc_status("backend-submitted").await.unwrap();
    assert_eq!(moved.stage, Stage::Active, "{moved:?}");
    let suspended = d
        .suspend_user("backend-approved", "tracked, then checked".into())
        .await
        .unwrap();
    assert_eq!(suspended.stage, Stage::Suspended);
    assert_eq!(
        sb.user("backend-approved").unwrap().status,
        UserStatus::Suspended
    );

    // Refused at the field: nothing, or too much.
    let e = d.track_users(vec![" ".into()]).await.unwrap_err();
    assert_eq!(e.field_errors()[0].field, "externalUserIds");
    let e = d
        .track_users(vec!["x".into(); desk::tracking::MAX_IDS + 1])
        .await
        .unwrap_err();
    assert_eq!(e.field_errors()[0].field, "externalUserIds");
    d.remove_api_key(EnvironmentKind::Custom).await.unwrap();
}
