//! The desktop's side of team mode: `HubClient` answers the same `DeskApi` as the local desk,
//! from the same list, against a real replica — answers read back into the core's types, and
//! refusals come back as the hub said them.

mod common;

use common::{operator, start_replica};
use desk::api::DeskApi;
use desk::hub_client::HubClient;
use desk::users::NewUser;
use p100::models::UserProfile;
use p100_sandbox::SandboxConfig;

const P100_KEY: &str = "sandbox-key-for-the-hub-client-6d";
const WEBHOOK_TOKEN: &str = "whk_hub-client-webhook-token-7aa10f2";

fn ada(email: &str) -> NewUser {
    NewUser {
        has_accepted_p100_tc: true,
        profile: UserProfile {
            email: Some(email.into()),
            first_name: Some("Ada".into()),
            last_name: Some("Lovelace".into()),
            country: Some("PL".into()),
            citizenship: Some("PL".into()),
            ..UserProfile::default()
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_api_over_the_hub_reads_back_the_cores_types_and_refusals() {
    let (_, sandbox) = p100_sandbox::spawn(SandboxConfig::local(P100_KEY))
        .await
        .unwrap();
    let url = tokio::task::block_in_place(common::migrated_database);
    let olga = operator(&url, "olga", "operator");
    let aude = operator(&url, "aude", "auditor");
    let replica = start_replica(&url, &sandbox.base_url(), P100_KEY, WEBHOOK_TOKEN);
    let base: url::Url = replica.base.parse().unwrap();
    let hub = HubClient::new(base.clone(), &olga).unwrap();

    let me = hub.me().await.unwrap();
    assert_eq!((me.name.as_str(), me.role.as_str()), ("olga", "operator"));

    let created = hub.user_create(ada("eve@example.com")).await.unwrap();
    assert_eq!(created.stage, desk::onboarding::Stage::Created);
    let got = hub
        .user_get(created.external_user_id.clone())
        .await
        .unwrap();
    assert_eq!(got, created);
    let suspended = hub
        .user_suspend(created.external_user_id.clone(), "chargeback review".into())
        .await
        .unwrap();
    assert_eq!(suspended.status, p100::models::UserStatus::Suspended);
    let roster = hub.users_list().await.unwrap();
    assert_eq!(roster.len(), 1);
    let timeline = hub
        .user_timeline(created.external_user_id.clone())
        .await
        .unwrap();
    assert!(
        timeline.iter().any(|e| e.actor.as_deref() == Some("olga")),
        "{timeline:?}"
    );
    let journal = hub.journal_recent(Some(10)).await.unwrap();
    assert_eq!(journal[0].operator, "olga");
    assert_eq!(journal[0].operation, "suspendUser");

    // Refusals, as the hub gave them: the role, the field, the roster.
    let auditor = HubClient::new(base.clone(), &aude).unwrap();
    let e = auditor
        .user_create(ada("fay@example.com"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "forbidden", "{e}");
    let e = hub.user_get("nobody".into()).await.unwrap_err();
    assert_eq!(e.kind(), "notFound", "{e}");
    let e = hub
        .user_suspend(created.external_user_id.clone(), String::new())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "invalid");
    assert!(e.field_errors().iter().any(|f| f.field == "reason"), "{e}");
    let page = desk::api::CommandError::from(e);
    assert_eq!(page.field.as_deref(), Some("reason"));

    // A wrong token, a URL that is not a hub, a hub that is not there.
    let e = HubClient::new(
        base,
        "pdh_wrongwrongwr_0000000000000000000000000000000000000000000",
    )
    .unwrap()
    .users_list()
    .await
    .unwrap_err();
    assert_eq!(e.kind(), "unauthorized");
    let e = HubClient::new(sandbox.base_url().parse().unwrap(), &olga)
        .unwrap()
        .users_list()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("is this URL the hub?"), "{e}");
    let e = HubClient::new("http://127.0.0.1:9/".parse().unwrap(), &olga)
        .unwrap()
        .me()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "network");
    assert!(HubClient::new("ftp://hub.example.com/".parse().unwrap(), &olga).is_err());
}
