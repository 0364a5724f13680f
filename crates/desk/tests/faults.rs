//! The fault suite on the local desk: at least 1,000 randomized operation sequences against the
//! embedded sandbox while it injects faults (`desk::api::fault_suite`, which the hub's tests run
//! through a replica too). Retries run with short waits (the policy is the app's, the clock is
//! not). At the end no operation is lost or done twice, nothing is left open, and the roster
//! matches the sandbox user by user.
//!
//! `FAULT_SEED=n` replays one run; `FAULT_SEQUENCES=n` changes how many sequences run.

use desk::Desk;
use p100::RetryPolicy;
use std::time::Duration;

mod common;

/// A desk on `dir` retrying as the fault suites expect: 4 attempts, waits of a few milliseconds.
async fn fast_desk(dir: &std::path::Path) -> Desk {
    let mut cfg = common::fresh_config(dir);
    cfg.retry_policy = RetryPolicy {
        max_attempts: 4,
        base: Duration::from_millis(1),
        cap: Duration::from_millis(4),
        max_retry_after: Duration::from_secs(5),
    };
    Desk::open(cfg).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn randomized_sequences_under_faults_lose_nothing_and_do_nothing_twice() {
    let seed = desk::api::fault_suite::seed();
    let sequences = desk::api::fault_suite::sequences(1000);
    println!("fault suite: seed {seed} (FAULT_SEED={seed} replays it), {sequences} sequences");

    let dir = tempfile::tempdir().unwrap();
    let d = fast_desk(dir.path()).await;
    let sandbox = d.with_sandbox(|h| h.state().clone()).await.unwrap();
    let n = desk::api::fault_suite::run(&d, &sandbox, seed, sequences).await;
    println!(
        "{sequences} sequences, {} operations: {} users, {} faults injected, {} operations \
         recovered from the open list, {} refusals explained by state",
        n.operations, n.created, n.faulted, n.recovered, n.refused
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn money_and_cards_under_faults_are_never_lost_and_never_moved_twice() {
    let seed = desk::api::fault_suite::seed();
    let sequences = desk::api::fault_suite::sequences(1000) / 4;
    println!(
        "money fault suite: seed {seed} (FAULT_SEED={seed} replays it), {sequences} operations"
    );
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let d = fast_desk(dir.path()).await;
    // Three users P100 verified and extended (cards need both), made before any fault.
    let mut users = Vec::new();
    for (i, email) in ["mo@example.com", "ny@example.com", "ola@example.com"]
        .into_iter()
        .enumerate()
    {
        let ext = common::submit(
            &d,
            files.path(),
            common::Applicant {
                email,
                country: "PL",
                document_number: &format!("AB12345{i}"),
            },
        )
        .await;
        let mut extended = false;
        for _ in 0..200 {
            if d.extend_user(&ext).await.is_ok() {
                extended = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(extended, "{ext} verified and extended");
        users.push(ext);
    }
    let sandbox = d.with_sandbox(|h| h.state().clone()).await.unwrap();
    let n = desk::api::fault_moves::run_moves(&d, &sandbox, &users, seed, sequences).await;
    println!(
        "{} money and card operations: {} done, {} faults injected, {} failed with nothing done, \
         {} sent again (card blocks), {} resolved by what P100 shows (never sent twice)",
        n.operations, n.done, n.faulted, n.failed_cleanly, n.resent, n.resolved
    );
}
