//! Bulk imports in team mode: an operator's desktop starts a job through one replica and goes
//! away; the hub's workers send it (as that operator: the journal and the timelines say so),
//! and every operator of the team, on any replica, sees its progress, pauses or resumes it as
//! their role allows, and reads its results.

mod common;

use common::{operator, start_replica};
use desk::api::DeskApi;
use desk::api::waits::import_job_when;
use desk::hub_client::HubClient;
use desk::ledger::imports::{ImportOutcome, ImportState};
use p100_sandbox::SandboxConfig;

const P100_KEY: &str = "sandbox-key-for-hub-import-tests-5c";
const WEBHOOK_TOKEN: &str = "whk_hub-import-tests-webhook-token-3d1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_started_from_one_desktop_runs_in_the_hub_and_the_whole_team_follows_it() {
    let (_, sandbox) = p100_sandbox::spawn(SandboxConfig::local(P100_KEY))
        .await
        .unwrap();
    let url = tokio::task::block_in_place(common::migrated_database);
    let olga = operator(&url, "olga", "operator");
    let oscar = operator(&url, "oscar", "operator");
    let audrey = operator(&url, "audrey", "auditor");
    let a = start_replica(&url, &sandbox.base_url(), P100_KEY, WEBHOOK_TOKEN);
    let b = start_replica(&url, &sandbox.base_url(), P100_KEY, WEBHOOK_TOKEN);
    let on = |replica: &common::Replica, token: &str| {
        HubClient::new(replica.base.parse().unwrap(), token).unwrap()
    };
    let (by_audrey, by_oscar) = (on(&b, &audrey), on(&b, &oscar));

    let csv = [
        "externalUserId,email,firstName,lastName,country,citizenship,hasAcceptedP100Tc".to_owned(),
        "team-1,t1@example.com,Anna,Nowak,PL,PL,true".into(),
        "team-2,t2@example.com,Olena,Шевченко,UA,UA,true".into(),
        "team-3,not-an-email,Iga,Nowak,PL,PL,true".into(),
        "team-4,t4@example.com,Ewa,Nowak,PL,PL,true".into(),
    ]
    .join("\n");
    // The auditor may look, not start.
    let e = by_audrey
        .import_preview(csv.clone(), None)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("auditor"), "{e}");

    let job = {
        let by_olga = on(&a, &olga);
        let dry = by_olga.import_preview(csv.clone(), None).await.unwrap();
        assert_eq!(dry.mapping_problem, None, "named as P100's fields: guessed");
        assert_eq!((dry.rows, dry.creates, dry.refusals.len()), (4, 3, 1));
        let e = by_olga
            .import_start("team.csv".into(), csv.clone(), dry.mapping.clone(), 0.0)
            .await
            .unwrap_err();
        assert!(
            e.field_errors().iter().any(|f| f.field == "perSecond"),
            "{e}"
        );
        by_olga
            .import_start("team.csv".into(), csv.clone(), dry.mapping, 2.0)
            .await
            .unwrap()
        // Olga's desktop is gone from here on.
    };
    assert_eq!(
        (job.created_by.as_str(), job.state),
        ("olga", ImportState::Running)
    );

    // Everyone sees it move, on the other replica too.
    let moving = import_job_when(&by_audrey, &job.id, |j| j.created >= 1).await;
    assert_eq!(moving.rows, 4);
    let e = by_audrey.import_pause(job.id.clone()).await.unwrap_err();
    assert!(e.to_string().contains("auditor"), "{e}");
    let paused = by_oscar.import_pause(job.id.clone()).await.unwrap();
    assert_eq!(paused.state, ImportState::Paused);
    by_oscar.import_resume(job.id.clone()).await.unwrap();
    let done = import_job_when(&by_audrey, &job.id, |j| j.state == ImportState::Done).await;
    assert_eq!(
        (done.created, done.tracked, done.refused, done.failed),
        (3, 0, 1, 0)
    );

    let results = by_audrey.import_results(job.id.clone()).await.unwrap();
    let outcomes: Vec<(u32, ImportOutcome)> = results.iter().map(|r| (r.row, r.outcome)).collect();
    assert_eq!(
        outcomes,
        [
            (1, ImportOutcome::Created),
            (2, ImportOutcome::Created),
            (3, ImportOutcome::Refused),
            (4, ImportOutcome::Created),
        ]
    );
    assert_eq!(results[2].fields, ["email"]);
    for ext in ["team-1", "team-2", "team-4"] {
        assert!(sandbox.state().user(ext).is_some(), "{ext} at P100");
    }
    assert_eq!(sandbox.state().user_count(), 3, "each once");
    // Sent as Olga, who started it: her name on the timeline and in the journal.
    let timeline = by_audrey.user_timeline("team-2".into()).await.unwrap();
    assert_eq!(
        (timeline[0].kind(), timeline[0].actor.as_deref()),
        ("created", Some("olga"))
    );
    let journal = by_audrey.journal_recent(None).await.unwrap();
    let creates: Vec<&str> = journal
        .iter()
        .filter(|l| l.operation == p100::routes::CREATE_USER.name)
        .map(|l| l.operator.as_str())
        .collect();
    assert_eq!(creates, ["olga", "olga", "olga"]);
    // The roster knows them, for every desktop.
    let roster = by_oscar.users_list().await.unwrap();
    assert_eq!(roster.len(), 3);
    drop((a, b));
}
