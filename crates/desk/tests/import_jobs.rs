//! Bulk imports from the window, as the desk core runs them (solo mode): a CSV export with
//! columns the desk cannot guess is mapped by hand, dry-run, started as a job, sent at its pace
//! by the desk's worker to a real sandbox over HTTP, paused, resumed and finished, every row
//! with its outcome; the mapping is remembered; a cancelled job sends nothing more; and a desk
//! that stops mid-job resumes it on the next start without creating anyone twice.

mod common;

use desk::Desk;
use desk::EnvironmentKind;
use desk::api::waits::import_job_when;
use desk::ledger::imports::{ImportOutcome, ImportState};
use desk::onboarding::Stage;
use p100::models::{CreateUserRequest, UserProfile};
use p100_sandbox::SandboxConfig;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

const KEY: &str = "import-jobs-test-sandbox-key-7";
const HEADER: &str = "External ID;E-mail;First name;Last name;Country;Citizenship;Accepted T&C";
/// The columns by hand: the first is the partner's id, the rest as their names say.
fn mapping() -> Vec<Option<String>> {
    [
        "externalUserId",
        "email",
        "firstName",
        "lastName",
        "country",
        "citizenship",
        "hasAcceptedP100Tc",
    ]
    .iter()
    .map(|f| Some((*f).to_owned()))
    .collect()
}

fn person(ext: &str, first: &str) -> String {
    format!(
        "{ext};{}@example.com;{first};Kowalska;PL;PL;yes",
        first.to_lowercase()
    )
}

async fn desk_on(dir: &Path, sandbox: &str) -> Desk {
    let d = common::desk(dir).await;
    d.select_environment(EnvironmentKind::Custom, Some(sandbox.into()))
        .await
        .unwrap();
    d.set_api_key(EnvironmentKind::Custom, KEY.into())
        .await
        .unwrap();
    d
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mapped_file_is_dry_run_then_sent_at_its_pace_paused_resumed_and_finished() {
    let (_, sandbox) = p100_sandbox::spawn(SandboxConfig::local(KEY))
        .await
        .unwrap();
    let sb = sandbox.state().clone();
    let dir = tempfile::tempdir().unwrap();
    let d = desk_on(dir.path(), &sandbox.base_url()).await;
    // The partner's backend made one user at P100; the desk made another already.
    sb.create_user(CreateUserRequest {
        external_user_id: "backend-1".into(),
        has_accepted_p100_tc: true,
        profile: UserProfile {
            email: Some("b1@partner.example".into()),
            first_name: Some("Noor".into()),
            last_name: Some("Haddad".into()),
            country: Some("PL".into()),
            citizenship: Some("PL".into()),
            ..Default::default()
        },
    })
    .unwrap();
    let own = d
        .create_user(common::new_user("own@example.com", "PL"))
        .await
        .unwrap();
    let csv = [
        HEADER.to_owned(),
        person("crm-1", "Anna"),
        person("crm-2", "Zofia"),
        "backend-1;;;;;;".to_owned(),
        person("crm-3", "Marta"),
        person("crm-4", "Olga"),
        "crm-5;not-an-email;Ewa;Nowak;PL;PL;yes".to_owned(),
        person("crm-1", "Again"),
        person(&own.external_user_id, "Own"),
    ]
    .join("\r\n");

    // The desk cannot guess "External ID": nothing is planned until it is mapped.
    let guess = d.preview_import(csv.clone(), None).await.unwrap();
    assert!(
        guess
            .mapping_problem
            .as_deref()
            .unwrap()
            .contains("externalUserId"),
        "{guess:?}"
    );
    assert_eq!(
        guess.mapping[1].as_deref(),
        Some("email"),
        "E-mail is guessed"
    );
    assert_eq!(guess.rows, 0);
    let dry = d
        .preview_import(csv.clone(), Some(mapping()))
        .await
        .unwrap();
    assert_eq!(dry.mapping_problem, None);
    assert_eq!((dry.rows, dry.creates, dry.tracks), (8, 4, 1));
    let refused: Vec<(u32, Vec<String>)> = dry
        .refusals
        .iter()
        .map(|r| (r.row, r.fields.clone()))
        .collect();
    assert_eq!(
        refused,
        [
            (6, vec!["email".to_owned()]),
            (7, vec!["externalUserId".to_owned()]),
            (8, vec!["externalUserId".to_owned()]),
        ]
    );
    assert!(
        dry.refusals[2]
            .message
            .as_deref()
            .unwrap()
            .contains("roster")
    );
    assert_eq!(sb.user_count(), 2, "a dry run sends nothing");

    // A pace out of bounds is refused at its field, and nothing starts.
    let err = d
        .start_import("crm.csv".into(), csv.clone(), mapping(), 500.0)
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "perSecond");
    assert!(d.import_jobs().await.unwrap().is_empty());

    let job = d
        .start_import("crm.csv".into(), csv.clone(), mapping(), 2.0)
        .await
        .unwrap();
    assert_eq!(
        (job.state, job.rows, job.finished_rows()),
        (ImportState::Running, 8, 0)
    );
    let worker = tokio::spawn(d.clone().work_imports("test-worker".into()));

    // Paused after the first create: nothing more is sent while it is.
    import_job_when(&d, &job.id, |j| j.created >= 1).await;
    d.pause_import(job.id.clone()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let paused = import_job_when(&d, &job.id, |_| true).await;
    let users_paused = sb.user_count();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        import_job_when(&d, &job.id, |_| true).await,
        paused,
        "no row while paused"
    );
    assert_eq!(sb.user_count(), users_paused);
    assert!(paused.created < 4, "{paused:?}");
    // A paused job cannot be paused again; it can be resumed.
    assert!(d.pause_import(job.id.clone()).await.is_err());
    d.resume_import(job.id.clone()).await.unwrap();
    let done = import_job_when(&d, &job.id, |j| j.state == ImportState::Done).await;
    assert_eq!(
        (done.created, done.tracked, done.refused, done.failed),
        (4, 1, 3, 0)
    );

    let results = d.import_results(job.id.clone()).await.unwrap();
    let outcomes: Vec<ImportOutcome> = results.iter().map(|r| r.outcome).collect();
    use ImportOutcome::{Created, Refused, Tracked};
    assert_eq!(
        outcomes,
        [
            Created, Created, Tracked, Created, Created, Refused, Refused, Refused
        ]
    );
    // Every create reached P100 once, with the row's own id; the tracked user is on the board.
    assert_eq!(sb.user_count(), 2 + 4);
    for ext in ["crm-1", "crm-2", "crm-3", "crm-4"] {
        assert!(sb.user(ext).is_some(), "{ext} at P100");
        assert_eq!(d.user(ext).await.unwrap().stage, Stage::Created);
    }
    assert_eq!(
        d.user("crm-2").await.unwrap().first_name.as_deref(),
        Some("Zofia")
    );
    assert!(d.user("backend-1").await.is_ok());

    // The mapping is remembered: the same file needs no choices, and now creates nobody.
    let again = d.preview_import(csv.clone(), None).await.unwrap();
    assert_eq!(again.mapping, mapping());
    assert_eq!(
        (again.creates, again.tracks, again.refusals.len()),
        (0, 0, 8)
    );

    // A cancelled job sends nothing more.
    let more = [
        HEADER.to_owned(),
        person("late-1", "Lena"),
        person("late-2", "Iga"),
        person("late-3", "Ola"),
    ]
    .join("\n");
    let slow = d
        .start_import("late.csv".into(), more, mapping(), 0.5)
        .await
        .unwrap();
    import_job_when(&d, &slow.id, |j| j.created >= 1).await;
    let cancelled = d.cancel_import(slow.id.clone()).await.unwrap();
    assert_eq!(cancelled.state, ImportState::Cancelled);
    assert!(d.resume_import(slow.id.clone()).await.is_err(), "for good");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let after = import_job_when(&d, &slow.id, |_| true).await;
    assert!(after.created <= 2, "{after:?}");
    assert!(sb.user("late-3").is_none(), "the last row was never sent");
    worker.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_stopped_mid_import_resumes_it_on_the_next_start_and_creates_nobody_twice() {
    let (_, sandbox) = p100_sandbox::spawn(SandboxConfig::local(KEY))
        .await
        .unwrap();
    let sb = sandbox.state().clone();
    let dir = tempfile::tempdir().unwrap();
    let service = common::service();
    let ids: Vec<String> = (1..=5).map(|i| format!("restart-{i}")).collect();
    let csv = std::iter::once(HEADER.to_owned())
        .chain(ids.iter().map(|id| person(id, "Maja")))
        .collect::<Vec<_>>()
        .join("\n");

    let first = common::open(dir.path(), &service).await;
    first
        .select_environment(EnvironmentKind::Custom, Some(sandbox.base_url()))
        .await
        .unwrap();
    first
        .set_api_key(EnvironmentKind::Custom, KEY.into())
        .await
        .unwrap();
    let job = first
        .start_import("restart.csv".into(), csv, mapping(), 2.0)
        .await
        .unwrap();
    let worker = tokio::spawn(first.clone().work_imports("desktop".into()));
    import_job_when(&first, &job.id, |j| j.created >= 2).await;
    // The desk stops: its worker with it, whatever was on its way.
    worker.abort();
    let _ = worker.await;
    drop(first);

    let second = Arc::new(common::open(dir.path(), &service).await);
    let resumed = tokio::spawn(second.as_ref().clone().work_imports("desktop".into()));
    let done = import_job_when(second.as_ref(), &job.id, |j| j.state == ImportState::Done).await;
    resumed.abort();
    assert_eq!(
        (done.created, done.refused, done.failed),
        (5, 0, 0),
        "{done:?}"
    );
    for id in &ids {
        assert!(sb.user(id).is_some(), "{id} at P100");
        assert!(second.user(id).await.is_ok(), "{id} on the roster");
    }
    assert_eq!(sb.user_count(), 5, "nobody twice");
    // Nothing was left open to resolve by hand.
    assert!(second.open_operations().await.unwrap().is_empty());
}
