//! A desktop in team mode whose keychain entry cannot be read at start (damaged, or a keychain
//! that is locked or gone: the same failed read) still opens: team mode is off, the Team panel
//! says why, and connecting again puts it right.

mod common;

use common::{operator, start_replica};
use desk::api::DeskApi;
use desk::{Desk, DeskConfig};
use p100_sandbox::SandboxConfig;

const P100_KEY: &str = "sandbox-key-for-the-keychain-team-test-8c";
const WEBHOOK_TOKEN: &str = "whk_keychain-team-test-webhook-token-4f1e";

async fn open(dir: &std::path::Path, service: &str) -> desk::Result<Desk> {
    let mut cfg = DeskConfig::new(dir);
    cfg.keychain_service = service.to_owned();
    Desk::open(cfg).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_keychain_at_start_leaves_team_mode_off_and_says_why() {
    let (_, sandbox) = p100_sandbox::spawn(SandboxConfig::local(P100_KEY))
        .await
        .unwrap();
    let url = tokio::task::block_in_place(common::migrated_database);
    let olga = operator(&url, "olga", "operator");
    let replica = start_replica(&url, &sandbox.base_url(), P100_KEY, WEBHOOK_TOKEN);
    let dir = tempfile::tempdir().unwrap();
    let service = format!("partner-desk-test-{}", uuid::Uuid::new_v4());
    let desk = open(dir.path(), &service).await.unwrap();
    desk.team_connect(replica.base.clone(), olga.clone())
        .await
        .unwrap();
    drop(desk);

    // The entry becomes unreadable: bytes that are not text where the token was, as a
    // damaged keyring (or another program) leaves them. Reading it fails, as reading a locked
    // or absent keychain does.
    let origin = url::Url::parse(&replica.base)
        .unwrap()
        .origin()
        .ascii_serialization();
    let mut store = std::process::Command::new("secret-tool")
        .args(["store", "--label=damaged", "service", &service, "username"])
        .arg(format!("operator-token@{origin}"))
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("secret-tool (libsecret-tools, installed by the test command) runs");
    {
        use std::io::Write;
        store
            .stdin
            .take()
            .unwrap()
            .write_all(&[0xff, 0xfe, 0x80])
            .unwrap();
    }
    assert!(store.wait().unwrap().success());
    let opened = open(dir.path(), &service).await;
    let desk = opened.expect("the desk opens without its keychain");
    assert!(desk.hub().is_none(), "no hub without the token");
    let status = desk.team_get().await.unwrap();
    assert!(status.hub_url.is_some(), "{status:?}");
    let problem = status.problem.unwrap_or_default();
    assert!(
        problem.contains("could not be restored"),
        "the Team panel says why: {problem}"
    );
    assert!(!problem.contains(&olga));
    // Connecting again repairs it, and the next start is in team mode.
    let status = desk
        .team_connect(replica.base.clone(), olga.clone())
        .await
        .unwrap();
    assert!(status.connected && status.problem.is_none(), "{status:?}");
    drop(desk);
    let desk = open(dir.path(), &service).await.unwrap();
    let status = desk.team_get().await.unwrap();
    assert_eq!(
        (status.connected, status.operator.as_deref(), status.problem),
        (true, Some("olga"), None)
    );
    desk.team_disconnect().await.unwrap();
}
