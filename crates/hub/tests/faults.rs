//! Faults through the hub. The desk's fault suite (`desk::api::fault_suite`) runs through
//! `HubClient` against a real replica while the sandbox injects faults behind it: the hub's
//! retries, open operations and reconciliation on PostgreSQL must lose nothing and do nothing
//! twice, exactly as the desk's own do on SQLite. Then a replica is killed in the middle of an
//! operation: the other replica shows it open, sends it again, and P100 ends with one user.
//!
//! `FAULT_SEED=n` replays one run; `FAULT_SEQUENCES=n` changes how many sequences run.

mod common;

use common::{operator, start_replica_with};
use desk::api::DeskApi;
use desk::hub_client::HubClient;
use p100_sandbox::SandboxConfig;
use p100_sandbox::faults::{Fault, FaultRule};
use std::time::Duration;

const P100_KEY: &str = "sandbox-key-for-the-hub-fault-suite-5e";
const WEBHOOK_TOKEN: &str = "whk_hub-fault-suite-webhook-token-2d8c";
/// The fault suite's retry policy (4 attempts, waits of a few milliseconds), on the hub.
const FAST_RETRIES: &[&str] = &[
    "--p100-attempts",
    "4",
    "--p100-retry-base-ms",
    "1",
    "--p100-retry-cap-ms",
    "4",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fault_suite_through_a_replica_loses_nothing_and_does_nothing_twice() {
    let seed = desk::api::fault_suite::seed();
    let sequences = desk::api::fault_suite::sequences(300);
    println!("hub fault suite: seed {seed} (FAULT_SEED={seed} replays it), {sequences} sequences");
    let (_, sandbox) = p100_sandbox::spawn(SandboxConfig::local(P100_KEY))
        .await
        .unwrap();
    let (_replica, hub) = supervised(&sandbox);
    let n = desk::api::fault_suite::run(&hub, sandbox.state(), seed, sequences).await;
    println!(
        "through the hub: {sequences} sequences, {} operations: {} users, {} faults injected, {} \
         operations recovered from the open list, {} refusals explained by state",
        n.operations, n.created, n.faulted, n.recovered, n.refused
    );
    // Every line of the journal names the supervisor who acted.
    let journal = hub.journal_recent(Some(1000)).await.unwrap();
    assert!(!journal.is_empty());
    assert!(journal.iter().all(|j| j.operator == "sam"), "{journal:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn money_and_cards_through_a_replica_under_faults_are_never_lost_or_moved_twice() {
    let seed = desk::api::fault_suite::seed();
    let sequences = desk::api::fault_suite::sequences(300) / 3;
    println!(
        "hub money fault suite: seed {seed} (FAULT_SEED={seed} replays it), {sequences} operations"
    );
    let (_, sandbox) = p100_sandbox::spawn(
        SandboxConfig::local(P100_KEY).with_review_delay(Duration::from_millis(30)),
    )
    .await
    .unwrap();
    let (_replica, hub) = supervised(&sandbox);
    // Two users P100 verified and extended, made before any fault.
    let mut users = Vec::new();
    for email in ["pia@example.com", "rui@example.com"] {
        let ext = hub
            .user_create(desk::api::fault_suite::new_user(email))
            .await
            .unwrap()
            .external_user_id;
        common::activate_at_sandbox(&sandbox, P100_KEY, &ext).await;
        hub.user_extend(ext.clone()).await.unwrap();
        users.push(ext);
    }
    let n = desk::api::fault_moves::run_moves(&hub, sandbox.state(), &users, seed, sequences).await;
    println!(
        "through the hub: {} money and card operations: {} done, {} faults injected, {} failed \
         with nothing done, {} sent again, {} resolved by what P100 shows",
        n.operations, n.done, n.faulted, n.failed_cleanly, n.resent, n.resolved
    );
}

/// A fresh database, one replica retrying fast against `sandbox`, and a client of it acting as
/// the supervisor Sam (the replica lives as long as its handle).
fn supervised(sandbox: &p100_sandbox::SandboxHandle) -> (common::Replica, HubClient) {
    let url = tokio::task::block_in_place(common::migrated_database);
    let sam = operator(&url, "sam", "supervisor");
    let replica = start_replica_with(
        &url,
        &sandbox.base_url(),
        P100_KEY,
        WEBHOOK_TOKEN,
        FAST_RETRIES,
    );
    let hub = HubClient::new(replica.base.parse().unwrap(), &sam).unwrap();
    (replica, hub)
}

fn pending_operations(url: &str) -> i64 {
    common::psql(url)
        .query_one("SELECT count(*) FROM outbox WHERE state = 'pending'", &[])
        .unwrap()
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_killed_mid_operation_leaves_it_open_for_the_other_to_finish_once() {
    let (_, sandbox) = p100_sandbox::spawn(SandboxConfig::local(P100_KEY))
        .await
        .unwrap();
    let url = tokio::task::block_in_place(common::migrated_database);
    let sam = operator(&url, "sam", "supervisor");
    let mut a = start_replica_with(
        &url,
        &sandbox.base_url(),
        P100_KEY,
        WEBHOOK_TOKEN,
        FAST_RETRIES,
    );
    let b = start_replica_with(
        &url,
        &sandbox.base_url(),
        P100_KEY,
        WEBHOOK_TOKEN,
        FAST_RETRIES,
    );
    let mut via_a = HubClient::new(a.base.parse().unwrap(), &sam).unwrap();
    let via_b = HubClient::new(b.base.parse().unwrap(), &sam).unwrap();

    for round in ["before P100 answered", "after P100 made the user"] {
        // P100 takes 1 s over the create. Round 1: replica A dies while P100 still works on
        // it (whatever P100 then does, the retry must end with one user). Round 2: A is frozen
        // while P100 works, P100 makes the user, then A dies without having heard the answer.
        via_a.me().await.expect("replica A answers");
        sandbox.state().faults.clear();
        sandbox.state().faults.add(FaultRule {
            fault: Fault::Latency { ms: 1000 },
            times: 1,
            path_prefix: Some("/v1/".into()),
            method: Some("POST".into()),
        });
        let email = format!("killed.mid.create.{}@example.com", round.len());
        let form = common::person(&email, "Kit", "Marlowe", "PL");
        let at_p100 = |email: &str| {
            sandbox
                .state()
                .all_users()
                .into_iter()
                .filter(|u| u.profile.email.as_deref() == Some(email))
                .collect::<Vec<_>>()
        };
        let client = via_a.clone();
        let pending = tokio::spawn(async move { client.user_create(form).await });
        // A has written the operation down (before sending it), and sent it.
        let started = std::time::Instant::now();
        while tokio::task::block_in_place(|| pending_operations(&url)) == 0 {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "A never took the create"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        if round == "after P100 made the user" {
            let stopped = std::process::Command::new("kill")
                .args(["-STOP", &a.child.id().to_string()])
                .status()
                .unwrap();
            assert!(stopped.success());
            let started = std::time::Instant::now();
            while at_p100(&email).is_empty() {
                assert!(
                    started.elapsed() < Duration::from_secs(10),
                    "P100 never made the user"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        a.child.kill().unwrap();
        a.child.wait().unwrap();
        let e = pending.await.unwrap().unwrap_err();
        assert!(
            matches!(e, desk::Error::Hub(_)),
            "the desktop hears the hub went away: {e:?}"
        );
        // Whatever P100 does with a request whose sender died, it has done it by now.
        tokio::time::sleep(Duration::from_millis(1200)).await;

        // Replica B sees the operation open, with the same identity, and finishes it once.
        let open = via_b.operations_open().await.unwrap();
        assert_eq!(open.len(), 1, "{round}: {open:?}");
        assert!(open[0].retryable, "{open:?}");
        let done = via_b.operation_retry(open[0].id.clone()).await.unwrap();
        assert_eq!(done.email.as_deref(), Some(email.as_str()));
        assert!(via_b.operations_open().await.unwrap().is_empty());
        let at_p100 = at_p100(&email);
        assert_eq!(at_p100.len(), 1, "one user at P100, round {round}");
        assert_eq!(at_p100[0].external_user_id, done.external_user_id);
        let roster = via_b.users_list().await.unwrap();
        assert_eq!(
            roster
                .iter()
                .filter(|u| u.email.as_deref() == Some(email.as_str()))
                .count(),
            1,
            "one user on the roster, round {round}"
        );
        // A comes back for the next round.
        a = start_replica_with(
            &url,
            &sandbox.base_url(),
            P100_KEY,
            WEBHOOK_TOKEN,
            FAST_RETRIES,
        );
        via_a = HubClient::new(a.base.parse().unwrap(), &sam).unwrap();
    }
}
