//! The database goes away and comes back: the replica stays up, says so at /healthz (503), and
//! recovers by itself — answers, live updates and all. This test makes a cluster of its own
//! (the shared one must stay up for the other tests), with the tools scripts/with-postgres.sh
//! names.

mod common;

use common::{about, call, listen, new_user, next_matching, operator, start_replica};
use p100_sandbox::SandboxConfig;
use reqwest::StatusCode;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const P100_KEY: &str = "sandbox-key-for-the-restart-test-9f";
const WEBHOOK_TOKEN: &str = "whk_restart-test-webhook-token-00c1d2";

/// A cluster of this test's own, stopped and removed when dropped.
struct Cluster {
    dir: PathBuf,
    port: u16,
}

fn pg(tool: &str, args: &[&str]) -> std::process::Output {
    let bin =
        std::env::var("PARTNER_DESK_TEST_PG_BIN").expect("run under scripts/with-postgres.sh");
    let prefix = std::env::var("PARTNER_DESK_TEST_PG_AS").unwrap_or_default();
    let mut words: Vec<String> = prefix.split_whitespace().map(str::to_owned).collect();
    words.push(format!("{bin}/{tool}"));
    words.extend(args.iter().map(|a| (*a).to_owned()));
    Command::new(&words[0]).args(&words[1..]).output().unwrap()
}

impl Cluster {
    fn new() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/pg");
        std::fs::create_dir_all(&root).unwrap();
        let dir = root.join(format!("restart-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        if !std::env::var("PARTNER_DESK_TEST_PG_AS")
            .unwrap_or_default()
            .is_empty()
        {
            Command::new("chown")
                .arg("postgres:")
                .arg(&dir)
                .status()
                .unwrap();
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let data = dir.join("data");
        let out = pg(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "-N",
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let c = Self { dir, port };
        c.start();
        c
    }

    fn start(&self) {
        let opts = format!(
            "-c listen_addresses=127.0.0.1 -c port={} -c unix_socket_directories=''",
            self.port
        );
        let out = pg(
            "pg_ctl",
            &[
                "-D",
                self.dir.join("data").to_str().unwrap(),
                "-l",
                self.dir.join("log").to_str().unwrap(),
                "-w",
                "-o",
                &opts,
                "start",
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn stop(&self) {
        pg(
            "pg_ctl",
            &[
                "-D",
                self.dir.join("data").to_str().unwrap(),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
        );
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        pg(
            "pg_ctl",
            &[
                "-D",
                self.dir.join("data").to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn health(base: &str) -> StatusCode {
    call(base, None, "GET", "/healthz", None).await.0
}

async fn until(what: &str, within: Duration, mut check: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while !check().await {
        assert!(start.elapsed() < within, "{what}: not within {within:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_replica_answers_503_while_the_database_is_down_and_recovers_by_itself() {
    let cluster = tokio::task::block_in_place(Cluster::new);
    let url = cluster.url();
    let (code, _, err) = common::hub_cli(&["migrate", "--database-url", &url]);
    assert_eq!(code, 0, "{err}");
    let olga = operator(&url, "olga", "operator");
    let (_, sandbox) = p100_sandbox::spawn(SandboxConfig::local(P100_KEY))
        .await
        .unwrap();
    let mut replica = start_replica(&url, &sandbox.base_url(), P100_KEY, WEBHOOK_TOKEN);
    assert_eq!(health(&replica.base).await, StatusCode::OK);
    let mut live = listen(&replica.base, &olga).await;

    tokio::task::block_in_place(|| cluster.stop());
    until("health says 503", Duration::from_secs(10), async || {
        health(&replica.base).await == StatusCode::SERVICE_UNAVAILABLE
    })
    .await;
    let (status, body) = call(&replica.base, Some(&olga), "GET", "/api/users", None).await;
    assert!(status.is_server_error(), "{status} {body}");
    assert!(
        replica.child.try_wait().unwrap().is_none(),
        "the replica stays up"
    );

    tokio::task::block_in_place(|| cluster.start());
    until(
        "health says 200 again",
        Duration::from_secs(15),
        async || health(&replica.base).await == StatusCode::OK,
    )
    .await;
    // Live updates listen again: the desktop is told to reload (it may have missed changes),
    // then hears of what happens next.
    let resync = next_matching(&mut live, Duration::from_secs(10), |e| {
        *e == desk::hub_client::HubEvent::Resync
    })
    .await;
    assert!(resync.is_some(), "no resync after the database came back");
    let (status, user) = call(
        &replica.base,
        Some(&olga),
        "POST",
        "/api/users",
        Some(new_user("dee@example.com")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    let ext = user["externalUserId"].as_str().unwrap().to_owned();
    let heard = next_matching(&mut live, Duration::from_secs(10), about(&ext)).await;
    assert!(
        heard.is_some(),
        "live updates did not come back; log:\n{}",
        replica.log_text()
    );
    let _ = replica.child.kill();
}
