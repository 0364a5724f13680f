//! The fault suite, over any [`DeskApi`]: randomized operation sequences against a sandbox that
//! injects faults — 5xx and P500/P501 before the handler, 429 with `Retry-After`, connections
//! cut *after* the effect happened. An operation given up on is sent again from the open
//! operations, as an operator would. At the end no operation is lost or done twice, nothing is
//! left open, and the roster matches the sandbox user by user.
//!
//! The desk's own test runs it on the local desk; the hub's runs it through `HubClient` against
//! a replica, so the same sequences cross the desktop → hub → P100 path. (Built for tests: the
//! `conformance` feature.)

use super::{CommandError, DeskApi};
use crate::ledger::roster::UserRecord;
use crate::users::NewUser;
use p100::codes::Code;
use p100::models::UserProfile;
use p100_sandbox::faults::{Fault, FaultRule};
use std::collections::HashMap;
use std::sync::Arc;

/// SplitMix64: small, seedable, good enough to pick operations.
pub(super) struct Rng(u64);

/// The sequence of picks a run's seed gives.
pub(super) fn seed_rng(seed: u64) -> Rng {
    Rng(seed)
}

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Create,
    Update,
    Suspend,
    Unsuspend,
    Delete,
    Read,
}

/// What the test expects of one user.
#[derive(Debug, Clone, PartialEq)]
struct Expected {
    status: &'static str,
    city: Option<String>,
    deleted: bool,
}

/// What a run did, for the test's summary line and its "the faults really happened" check.
#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    pub operations: usize,
    pub created: usize,
    pub faulted: usize,
    pub recovered: usize,
    pub refused: usize,
}

/// One operation's fault, or none: 5xx or P500/P501 before the handler, 429, or the connection
/// cut after the effect; up to 5 in a row.
pub(super) fn fault_rule(rng: &mut Rng) -> Option<FaultRule> {
    let fault = match rng.below(8) {
        0..=2 => return None,
        3 => Fault::Status { status: 503 },
        4 => Fault::P100 {
            code: Code::Unavailable.as_str().into(),
        },
        5 => Fault::P100 {
            code: Code::UnknownException.as_str().into(),
        },
        6 => Fault::RateLimit {
            retry_after_secs: 0,
        },
        _ => Fault::Drop,
    };
    // Up to 3 in a row is absorbed by 4 attempts; 4 or more leaves the operation open.
    let times = [1, 1, 2, 3, 5][rng.below(5) as usize];
    Some(FaultRule {
        fault,
        times,
        path_prefix: Some("/v1/".into()),
        method: None,
    })
}

/// A person to create: Ada Lovelace in Poland, at `email`.
pub fn new_user(email: &str) -> NewUser {
    NewUser {
        has_accepted_p100_tc: true,
        profile: UserProfile {
            email: Some(email.into()),
            first_name: Some("Ada".into()),
            last_name: Some("Lovelace".into()),
            country: Some("PL".into()),
            citizenship: Some("PL".into()),
            ..Default::default()
        },
    }
}

/// A refusal the state explains: suspending a suspended user, unsuspending an active one,
/// updating a suspended one. Nothing happened.
fn explained_by_state(e: &CommandError) -> bool {
    matches!(code_of(e), Some(Code::UserSuspended | Code::InvalidState))
}

fn code_of(e: &CommandError) -> Option<Code> {
    e.p100_code.as_deref().and_then(Code::parse)
}

/// The run's seed: `FAULT_SEED` (to replay a run), else the clock.
pub fn seed() -> u64 {
    std::env::var("FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64)
        })
}

/// How many sequences to run: `FAULT_SEQUENCES`, else `default`.
pub fn sequences(default: usize) -> usize {
    std::env::var("FAULT_SEQUENCES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// Runs `sequences` sequences from `seed` through `api` against `sandbox` (whose users must
/// all be this run's). `api` must retry with 4 attempts (the faults are sized for that).
pub async fn run(
    api: &impl DeskApi,
    sandbox: &Arc<p100_sandbox::state::Sandbox>,
    seed: u64,
    sequences: usize,
) -> Summary {
    let mut rng = Rng(seed);
    let faults = |rule: Option<FaultRule>| {
        sandbox.faults.clear();
        if let Some(r) = rule {
            sandbox.faults.add(r);
        }
    };
    let mut expected: HashMap<String, Expected> = HashMap::new();
    let mut n = Summary::default();
    for seq in 0..sequences {
        // A sequence: 1–4 operations, each under its own fault (or none).
        for _ in 0..1 + rng.below(4) {
            let mut live: Vec<String> = expected
                .iter()
                .filter(|(_, e)| !e.deleted)
                .map(|(k, _)| k.clone())
                .collect();
            live.sort();
            let op = if live.is_empty() {
                Op::Create
            } else {
                [
                    Op::Create,
                    Op::Update,
                    Op::Suspend,
                    Op::Unsuspend,
                    Op::Delete,
                    Op::Read,
                ][rng.below(6) as usize]
            };
            let target = match live.len() {
                0 => String::new(),
                n => live[rng.below(n as u64) as usize].clone(),
            };
            let rule = fault_rule(&mut rng);
            n.faulted += usize::from(rule.is_some());
            faults(rule);
            n.operations += 1;
            let city = format!("City{}", n.operations);
            let result: crate::Result<Option<UserRecord>> = match op {
                Op::Create => {
                    let email = format!("fault{}@example.com", n.created);
                    api.user_create(new_user(&email)).await.map(Some)
                }
                Op::Update => {
                    let profile = UserProfile {
                        city: Some(city.clone()),
                        ..api.user_get(target.clone()).await.unwrap().profile
                    };
                    api.user_update(target.clone(), profile).await.map(Some)
                }
                Op::Suspend => api
                    .user_suspend(target.clone(), "fault suite".into())
                    .await
                    .map(Some),
                Op::Unsuspend => api
                    .user_unsuspend(target.clone(), String::new())
                    .await
                    .map(Some),
                Op::Delete => api
                    .user_delete(target.clone(), target.clone())
                    .await
                    .map(Some),
                Op::Read => api.user_balances(target.clone()).await.map(|_| None),
            };
            // Whatever was given up on is open; the operator sends it again, faults gone.
            faults(None);
            let mut result = result.map_err(CommandError::from);
            for open in api.operations_open().await.unwrap() {
                assert!(open.retryable, "{open:?} left open but not retryable");
                n.recovered += 1;
                result = api
                    .operation_retry(open.id.clone())
                    .await
                    .map(Some)
                    .map_err(CommandError::from);
                // Refused again for a reason the state explains (an update of a suspended
                // user): the operator closes it as not done.
                if let Err(e) = &result
                    && explained_by_state(e)
                {
                    api.operation_resolve(open.id.clone(), false).await.unwrap();
                }
            }
            match result {
                Ok(Some(rec)) => {
                    if op == Op::Create {
                        n.created += 1;
                    }
                    let e = expected
                        .entry(rec.external_user_id.clone())
                        .or_insert(Expected {
                            status: "WAITING_FOR_ACTIVATION",
                            city: None,
                            deleted: false,
                        });
                    match op {
                        Op::Suspend => e.status = "SUSPENDED",
                        Op::Unsuspend => e.status = "WAITING_FOR_ACTIVATION",
                        Op::Delete => {
                            e.status = "DELETED";
                            e.deleted = true;
                        }
                        Op::Update => e.city = Some(city),
                        _ => {}
                    }
                }
                Ok(None) => {}
                Err(e) if explained_by_state(&e) => n.refused += 1,
                // Not processed each time (P501, 429) until the attempts ran out: nothing
                // happened, and the desk says so rather than leaving it open.
                Err(e) if code_of(&e) == Some(Code::Unavailable) || e.code == "rateLimited" => {
                    n.refused += 1;
                }
                // A read that kept failing changes nothing.
                Err(_) if op == Op::Read => {}
                Err(e) => panic!(
                    "seed {seed}, sequence {seq}, {op:?} on {target:?}: {} ({})",
                    e.message, e.code
                ),
            }
        }
    }

    assert!(
        api.operations_open().await.unwrap().is_empty(),
        "nothing left open"
    );
    let at_sandbox = sandbox.all_users();
    assert_eq!(
        at_sandbox.len(),
        n.created,
        "one sandbox user per create: none lost, none twice"
    );
    let mut emails: Vec<_> = at_sandbox
        .iter()
        .filter_map(|u| u.profile.email.clone())
        .collect();
    emails.sort();
    emails.dedup();
    assert_eq!(emails.len(), n.created, "no person created twice");
    let roster: HashMap<String, UserRecord> = api
        .users_list()
        .await
        .unwrap()
        .into_iter()
        .map(|u| (u.external_user_id.clone(), u))
        .collect();
    assert_eq!(roster.len(), n.created);
    for u in &at_sandbox {
        let id = &u.external_user_id;
        let (r, e) = (&roster[id], &expected[id]);
        assert_eq!(u.status.as_str(), e.status, "sandbox status of {id}");
        assert_eq!(r.status.as_str(), e.status, "roster status of {id}");
        assert_eq!(r.deleted_at.is_some(), e.deleted);
        if !e.deleted {
            assert_eq!(u.profile.city, e.city, "sandbox city of {id}");
            assert_eq!(r.profile.city, e.city, "roster city of {id}");
        }
    }
    assert!(
        n.faulted > sequences / 2 && n.recovered > 0,
        "the faults really happened: {n:?}"
    );
    n
}
