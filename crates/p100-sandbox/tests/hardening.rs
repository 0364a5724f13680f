//! The standalone sandbox under attack, over loopback, as a separate process limited to 1,024
//! open files: half-sent requests by the thousand are dropped and it answers afterwards; a
//! request without the key announcing a 2 MB body gets its 401 before any of the body; bodies
//! sent at full speed without the key do not grow its memory.

use std::time::Duration;

const KEY: &str = "hardening-key";

fn start() -> siege::Spawned {
    siege::Spawned::start(
        siege::with_fd_limit(
            1024,
            std::path::Path::new(env!("CARGO_BIN_EXE_p100-sandbox")),
            &["--listen", "127.0.0.1:0", "--api-key", KEY],
        ),
        "listening on ",
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_requests_are_dropped_and_the_sandbox_answers_afterwards() {
    siege::raise_fd_limit(4096);
    let sb = start();
    let s = siege::slowloris(
        sb.addr,
        1200,
        "/v1/user/balances/crypto-and-fiat",
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
    // Still answering: a normal call with the key (P412 for an unknown user).
    let status = siege::get(sb.addr, "/v1/kyc/status/nobody", &[("x-api-key", KEY)]).await;
    assert_eq!(status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_key_no_body_read_and_no_memory_spent() {
    let sb = start();
    // The 401 comes from the head alone: the 2 MB body was never sent.
    let (status, took) =
        siege::announce_body(sb.addr, "/v1/user/balances/crypto-and-fiat", &[], 2_000_000).await;
    assert_eq!(status, 401);
    assert!(took < Duration::from_secs(2), "{took:?}");
    let (status, _) = siege::announce_body(
        sb.addr,
        "/v1/user/kyc-files/u1",
        &[("x-api-key", "wrong")],
        2_000_000,
    )
    .await;
    assert_eq!(status, 401);

    // 200 such bodies at full speed: the sandbox's memory hardly moves.
    let pid = sb.pid();
    let warm = siege::flood_bodies(sb.addr, "/v1/user/poa-files/u1", &[], 20, 2_000_000, 8).await;
    assert!(warm.iter().all(|s| *s == 401 || *s == 0), "{warm:?}");
    let before = siege::rss_kib(pid);
    let statuses =
        siege::flood_bodies(sb.addr, "/v1/user/poa-files/u1", &[], 200, 2_000_000, 8).await;
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
    assert_eq!(
        siege::get(sb.addr, "/v1/kyc/status/nobody", &[("x-api-key", KEY)]).await,
        400
    );
}
