//! A desktop in team mode, as the app runs it: a real desk (SQLite file, the real Secret
//! Service inside scripts/with-desktop.sh) connected to a real replica. The token goes to the
//! keychain bound to the hub, the mode survives a restart, and the hub's live stream tells the
//! desktop what another operator did.

mod common;

use common::{operator, start_replica};
use desk::api::DeskApi;
use desk::hub_client::{HubClient, HubEvent};
use desk::ledger::notes::TagColour;
use desk::ledger::roster_query::{AssigneeFilter, RosterQuery};
use desk::{Desk, DeskConfig};
use p100_sandbox::SandboxConfig;
use std::time::Duration;

const P100_KEY: &str = "sandbox-key-for-the-desktop-team-2b";
const WEBHOOK_TOKEN: &str = "whk_desktop-team-webhook-token-5c3e9a1";

async fn open(dir: &std::path::Path, service: &str) -> Desk {
    let mut cfg = DeskConfig::new(dir);
    cfg.keychain_service = service.to_owned();
    Desk::open(cfg)
        .await
        .expect("the desk opens (a Secret Service runs in scripts/with-desktop.sh)")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desktop_connects_to_its_hub_keeps_the_token_in_the_keychain_and_follows_the_team() {
    let (_, sandbox) = p100_sandbox::spawn(SandboxConfig::local(P100_KEY))
        .await
        .unwrap();
    let url = tokio::task::block_in_place(common::migrated_database);
    let olga = operator(&url, "olga", "operator");
    let sam = operator(&url, "sam", "supervisor");
    let replica = start_replica(&url, &sandbox.base_url(), P100_KEY, WEBHOOK_TOKEN);
    let dir = tempfile::tempdir().unwrap();
    let service = format!("partner-desk-test-{}", uuid::Uuid::new_v4());

    let desk = open(dir.path(), &service).await;
    assert_eq!(
        desk.team_get().await.unwrap().hub_url,
        None,
        "solo mode by default"
    );
    assert!(desk.hub().is_none());

    // Refused at the field, and nothing kept.
    let e = desk
        .team_connect("hub.example.com".into(), olga.clone())
        .await
        .unwrap_err();
    assert_eq!(e.field_errors()[0].field, "hubUrl");
    let e = desk
        .team_connect(
            replica.base.clone(),
            format!("{}x", &olga[..olga.len() - 1]),
        )
        .await
        .unwrap_err();
    assert_eq!(e.field_errors()[0].field, "operatorToken", "{e}");
    let e = desk
        .team_connect("http://127.0.0.1:9".into(), olga.clone())
        .await
        .unwrap_err();
    assert_eq!(e.field_errors()[0].field, "hubUrl", "{e}");
    assert!(desk.hub().is_none());

    let status = desk
        .team_connect(replica.base.clone(), olga.clone())
        .await
        .unwrap();
    assert!(status.connected, "{status:?}");
    assert_eq!(status.operator.as_deref(), Some("olga"));
    assert_eq!(status.role.as_deref(), Some("operator"));
    assert!(desk.hub().is_some());
    // The screens show the team's environment, and no other can be chosen meanwhile.
    let env = desk.environment_get().await.unwrap();
    assert_eq!(env.kind, desk::EnvironmentKind::Custom, "{env:?}");
    assert!(env.label.contains("team hub"), "{env:?}");
    let e = desk
        .environment_select(desk::EnvironmentKind::Staging, None)
        .await
        .unwrap_err();
    assert_eq!(e.field_errors()[0].field, "environment");
    let status_text = format!("{status:?} {:?}", desk.team_get().await.unwrap());
    assert!(!status_text.contains(&olga), "the token is never shown");

    // The desktop follows the team: what Sam does through the hub reaches it.
    let mut rx = common::follow(desk.hub().unwrap());
    assert_eq!(
        tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .unwrap(),
        Some(HubEvent::Open)
    );
    let by_sam = HubClient::new(replica.base.parse().unwrap(), &sam).unwrap();
    let created = by_sam
        .user_create(common::person("gil@example.com", "Gil", "Ng", "PL"))
        .await
        .unwrap();
    let heard = tokio::time::timeout(Duration::from_secs(1), async {
        while let Some(e) = rx.recv().await {
            if let HubEvent::User(u) = e
                && u.external_user_id == created.external_user_id
            {
                return Some(u);
            }
        }
        None
    })
    .await
    .ok()
    .flatten();
    assert!(
        heard.is_some(),
        "Sam's new user did not reach Olga's desktop within 1 s"
    );

    // A restart keeps team mode: the URL from the desk's file, the token from the keychain.
    drop(desk);
    let desk = open(dir.path(), &service).await;
    let status = desk.team_get().await.unwrap();
    assert_eq!(
        (status.connected, status.operator.as_deref()),
        (true, Some("olga"))
    );
    let roster = desk.hub().unwrap().users_list().await.unwrap();
    assert_eq!(roster.len(), 1);

    // Leaving removes the token from the keychain.
    let status = desk.team_disconnect().await.unwrap();
    assert_eq!(status.hub_url, None);
    assert!(desk.hub().is_none());
    drop(desk);
    let desk = open(dir.path(), &service).await;
    assert!(desk.hub().is_none());
    assert_eq!(desk.team_get().await.unwrap().hub_url, None);
}

/// The "done when": two operators on two desktops, each desktop on its own replica of
/// one database, see the same roster, board and journal, and each sees the other's moves live.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_desktops_on_two_replicas_share_one_roster_board_and_journal_live() {
    let (_, sandbox) = p100_sandbox::spawn(SandboxConfig::local(P100_KEY))
        .await
        .unwrap();
    let url = tokio::task::block_in_place(common::migrated_database);
    let olga = operator(&url, "olga", "operator");
    let sam = operator(&url, "sam", "supervisor");
    let a = start_replica(&url, &sandbox.base_url(), P100_KEY, WEBHOOK_TOKEN);
    let b = start_replica(&url, &sandbox.base_url(), P100_KEY, WEBHOOK_TOKEN);
    let (dir_o, dir_s) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let service = format!("partner-desk-test-{}", uuid::Uuid::new_v4());
    let olgas = open(dir_o.path(), &format!("{service}-olga")).await;
    let sams = open(dir_s.path(), &format!("{service}-sam")).await;
    olgas.team_connect(a.base.clone(), olga).await.unwrap();
    sams.team_connect(b.base.clone(), sam).await.unwrap();
    let (on_a, on_b) = (olgas.hub().unwrap(), sams.hub().unwrap());
    let mut heard_by_olga = common::follow(on_a.clone());
    let mut heard_by_sam = common::follow(on_b.clone());
    for rx in [&mut heard_by_olga, &mut heard_by_sam] {
        assert!(
            common::next_matching(rx, Duration::from_secs(5), |e| *e == HubEvent::Open)
                .await
                .is_some()
        );
    }

    let person = |email: &str| common::person(email, "Bo", "Lind", "PL");
    let by_olga = on_a.user_create(person("bo@example.com")).await.unwrap();
    let by_sam = on_b.user_create(person("cy@example.com")).await.unwrap();
    for (rx, ext, who) in [
        (&mut heard_by_sam, &by_olga.external_user_id, "Sam"),
        (&mut heard_by_olga, &by_sam.external_user_id, "Olga"),
    ] {
        assert!(
            common::next_matching(rx, Duration::from_secs(1), common::about(ext))
                .await
                .is_some(),
            "{who} did not see the other's new user within 1 s"
        );
    }
    on_b.user_suspend(by_olga.external_user_id.clone(), "documents check".into())
        .await
        .unwrap();
    let suspended = common::next_matching(&mut heard_by_olga, Duration::from_secs(1), |e| {
        matches!(e, HubEvent::User(u) if u.external_user_id == by_olga.external_user_id
            && u.status == p100::models::UserStatus::Suspended)
    })
    .await;
    assert!(
        suspended.is_some(),
        "Olga did not see Sam's suspension within 1 s"
    );

    // Notes, tags and assignment are the team's: Sam gives Olga's user back to her with a tag
    // and a note; Olga sees it live, finds the user among hers, and reads Sam's note.
    let bo = by_olga.external_user_id.clone();
    on_b.tag_save("Docs check".into(), TagColour::Orange)
        .await
        .unwrap();
    on_b.user_tags_set(bo.clone(), vec!["docs check".into()])
        .await
        .unwrap();
    on_b.user_note_add(bo.clone(), "Asked Bo for a sharper passport scan".into())
        .await
        .unwrap();
    assert!(
        on_b.user_assign(bo.clone(), Some("nobody-here".into()))
            .await
            .is_err(),
        "only the team's operators"
    );
    on_b.user_assign(bo.clone(), Some("olga".into()))
        .await
        .unwrap();
    let assigned = common::next_matching(&mut heard_by_olga, Duration::from_secs(1), |e| {
        matches!(e, HubEvent::User(u) if u.external_user_id == bo
            && u.assignee.as_deref() == Some("olga"))
    })
    .await;
    assert!(
        assigned.is_some(),
        "Olga did not see the assignment within 1 s"
    );
    let mine = on_a
        .users_query(RosterQuery {
            assignee: Some(AssigneeFilter::Me),
            ..RosterQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(mine.rows.len(), 1);
    assert_eq!(mine.rows[0].tags, ["Docs check"]);
    assert_eq!(mine.rows[0].notes, 1);
    let sams_mine = on_b
        .users_query(RosterQuery {
            assignee: Some(AssigneeFilter::Me),
            ..RosterQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(sams_mine.matching, 0, "\"mine\" is the asking operator's");
    let found = on_a
        .users_query(RosterQuery {
            search: "sharper".into(),
            ..RosterQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(found.rows[0].external_user_id, bo, "the note is searched");
    let note = on_a
        .user_timeline(bo.clone())
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.kind() == "noted")
        .unwrap();
    assert_eq!(note.actor.as_deref(), Some("sam"));
    assert_eq!(on_a.operators_list().await.unwrap(), ["olga", "sam"]);
    assert_eq!(
        on_a.tags_list().await.unwrap(),
        on_b.tags_list().await.unwrap()
    );

    // One roster, one board, one journal — whichever desktop and replica asks.
    assert_eq!(
        on_a.users_list().await.unwrap(),
        on_b.users_list().await.unwrap()
    );
    assert_eq!(
        on_a.funnel_get(None, None).await.unwrap(),
        on_b.funnel_get(None, None).await.unwrap()
    );
    let (journal_a, journal_b) = (
        on_a.journal_recent(None).await.unwrap(),
        on_b.journal_recent(None).await.unwrap(),
    );
    assert_eq!(journal_a, journal_b);
    let who: Vec<(&str, &str)> = journal_a
        .iter()
        .rev()
        .map(|j| (j.operation.as_str(), j.operator.as_str()))
        .collect();
    assert_eq!(
        who,
        [
            ("createUser", "olga"),
            ("createUser", "sam"),
            ("suspendUser", "sam"),
            ("tagUser", "sam"),
            ("addNote", "sam"),
            ("assignUser", "sam"),
        ]
    );
    olgas.team_disconnect().await.unwrap();
    sams.team_disconnect().await.unwrap();
}
