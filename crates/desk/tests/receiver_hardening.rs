//! The desk's webhook receiver under attack, over loopback, in a desk process of its own
//! limited to 1,024 open files (this test binary again, an ignored test): half-sent requests by
//! the thousand are dropped and it answers afterwards; a request without the token announcing a
//! 2 MB body gets its 401 before any of the body; such bodies at full speed do not grow its
//! memory. Needs a Secret Service for the webhook tokens: run inside `scripts/with-desktop.sh`.

use std::io::Read;
use std::path::Path;
use std::time::Duration;

mod common;

/// The child: a desk with live sync, its receiver's address on stdout, until stdin closes.
#[tokio::test]
#[ignore = "run by the tests below, as a process of its own"]
async fn child_desk_with_a_receiver() {
    let dir = std::env::var("PD_RECEIVER_DIR").expect("run by a parent test");
    let d = common::started(Path::new(&dir), &common::service()).await;
    let url = d
        .sync_status()
        .await
        .unwrap()
        .receiver_url
        .expect("the receiver runs");
    println!("receiver {url}");
    tokio::task::spawn_blocking(|| {
        let _ = std::io::stdin().read(&mut [0u8; 1]);
    })
    .await
    .unwrap();
}

/// The child desk, in a data folder that lives as long as it does.
struct ChildDesk {
    server: siege::Spawned,
    _dir: tempfile::TempDir,
}

fn start() -> ChildDesk {
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut cmd = siege::with_fd_limit(
        1024,
        &exe,
        &[
            "--exact",
            "child_desk_with_a_receiver",
            "--ignored",
            "--nocapture",
        ],
    );
    cmd.env("PD_RECEIVER_DIR", dir.path());
    ChildDesk {
        server: siege::Spawned::start(cmd, "receiver http://"),
        _dir: dir,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_requests_are_dropped_and_the_receiver_answers_afterwards() {
    siege::raise_fd_limit(4096);
    let d = start();
    let s = siege::slowloris(
        d.server.addr,
        1200,
        "/webhook/user/status",
        Duration::from_secs(20),
    )
    .await;
    eprintln!("slowloris: {s:?}");
    assert_eq!(s.opened, 1200);
    assert_eq!(s.closed, 1200, "every half-sent request was dropped: {s:?}");
    assert!(
        s.longest_held < Duration::from_millis(11_500),
        "each within the 10 s header limit: {s:?}"
    );
    assert_eq!(siege::get(d.server.addr, "/webhook/health", &[]).await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_no_body_read_and_no_memory_spent() {
    let d = start();
    let (status, took) =
        siege::announce_body(d.server.addr, "/webhook/user/status", &[], 2_000_000).await;
    assert_eq!(status, 401);
    assert!(took < Duration::from_secs(2), "{took:?}");
    let (status, _) = siege::announce_body(
        d.server.addr,
        "/webhook/kyc-verification/status",
        &[("authorization", "not-the-token")],
        2_000_000,
    )
    .await;
    assert_eq!(status, 401);

    let pid = d.server.pid();
    siege::flood_bodies(d.server.addr, "/webhook/user/status", &[], 20, 2_000_000, 8).await;
    // The shell wrapper exec'd the test binary: the pid is the desk's.
    let before = siege::rss_kib(pid);
    let statuses = siege::flood_bodies(
        d.server.addr,
        "/webhook/user/status",
        &[],
        200,
        2_000_000,
        8,
    )
    .await;
    let after = siege::rss_kib(pid);
    let answered = statuses.iter().filter(|s| **s == 401).count();
    eprintln!(
        "200 x 2 MB without credentials: {answered} answered 401, RSS {before} -> {after} KiB; 401 before the body in {took:?}"
    );
    assert!(answered >= 190, "401s: {answered} of 200 ({statuses:?})");
    assert!(
        after.saturating_sub(before) < 30 * 1024,
        "RSS grew {} KiB ({before} -> {after})",
        after.saturating_sub(before)
    );
    assert_eq!(siege::get(d.server.addr, "/webhook/health", &[]).await, 200);
}
