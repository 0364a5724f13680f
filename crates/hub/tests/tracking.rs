//! Tracking existing users in team mode: an operator tracks users the partner's backend made at
//! P100 through the hub, every desktop of the team hears of them live, an auditor may not, and
//! an id P100 does not know is reported, not added.

mod common;

use common::{about, follow, next_matching, operator, start_replica};
use desk::api::DeskApi;
use desk::hub_client::{HubClient, HubEvent};
use desk::onboarding::Stage;
use desk::tracking::TrackOutcome;
use p100::models::{CreateUserRequest, UserProfile};
use p100_sandbox::SandboxConfig;
use std::time::Duration;

const P100_KEY: &str = "sandbox-key-for-hub-tracking-tests-0b";
const WEBHOOK_TOKEN: &str = "whk_hub-tracking-tests-webhook-token-77e";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_tracks_the_partners_users_through_the_hub_and_the_team_sees_them() {
    let (_, sandbox) = p100_sandbox::spawn(SandboxConfig::local(P100_KEY))
        .await
        .unwrap();
    let url = tokio::task::block_in_place(common::migrated_database);
    let olga = operator(&url, "olga", "operator");
    let audrey = operator(&url, "audrey", "auditor");
    let replica = start_replica(&url, &sandbox.base_url(), P100_KEY, WEBHOOK_TOKEN);
    let base: url::Url = replica.base.parse().unwrap();
    let (by_olga, by_audrey) = (
        HubClient::new(base.clone(), &olga).unwrap(),
        HubClient::new(base, &audrey).unwrap(),
    );
    sandbox
        .state()
        .create_user(CreateUserRequest {
            external_user_id: "crm-4711".into(),
            has_accepted_p100_tc: true,
            profile: UserProfile {
                email: Some("crm-4711@partner.example".into()),
                country: Some("PL".into()),
                ..Default::default()
            },
        })
        .unwrap();
    let mut heard = follow(by_audrey.clone());
    assert!(
        next_matching(&mut heard, Duration::from_secs(5), |e| *e == HubEvent::Open)
            .await
            .is_some()
    );

    let e = by_audrey
        .users_track(vec!["crm-4711".into()])
        .await
        .unwrap_err();
    assert!(e.to_string().contains("auditor"), "{e}");
    let results = by_olga
        .users_track(vec!["crm-4711".into(), "crm-0000".into()])
        .await
        .unwrap();
    let got: Vec<_> = results.iter().map(|r| (r.outcome, r.stage)).collect();
    assert_eq!(
        got,
        [
            (TrackOutcome::Tracked, Some(Stage::Created)),
            (TrackOutcome::Unknown, None)
        ]
    );
    assert!(
        next_matching(&mut heard, Duration::from_secs(1), about("crm-4711"))
            .await
            .is_some(),
        "the auditor's desktop did not hear of the tracked user within 1 s"
    );
    let roster = by_audrey.users_list().await.unwrap();
    assert_eq!(roster.len(), 1);
    let timeline = by_audrey.user_timeline("crm-4711".into()).await.unwrap();
    assert_eq!(
        (timeline[0].kind(), timeline[0].actor.as_deref()),
        ("tracked", Some("olga"))
    );
}
