//! When and how a call is sent again.
//!
//! Two kinds of failure are retried:
//! - **Not processed** — `429` (with its `Retry-After` honoured), `P501` ("service temporarily
//!   unavailable") and a connection that could not be made: nothing happened at P100, so any
//!   operation may be sent again.
//! - **Outcome unknown** — a timeout, a cut connection, a 5xx without P100's envelope, `P500`:
//!   P100 may have acted. Only operations that are safe to repeat are sent again (see
//!   [`repeatable`]); the desk reconciles the "already done" answer a repeat can get.
//!
//! Waits grow exponentially (capped) with jitter, so many desks retrying after one outage do not
//! come back in step. A caller may watch the retries and cancel a wait through a [`RetryHook`]
//! installed for its task.

use crate::codes::Code;
use crate::error::Error;
use crate::routes::{self, Method, Route};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// How many times and how patiently a call is tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry).
    pub max_attempts: u32,
    /// The wait before the first retry; doubled for each next one.
    pub base: Duration,
    /// No computed wait is longer than this.
    pub cap: Duration,
    /// A `Retry-After` longer than this is not waited for: the error goes back to the operator,
    /// who can try again later.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub const NONE: RetryPolicy = RetryPolicy {
        max_attempts: 1,
        base: Duration::ZERO,
        cap: Duration::ZERO,
        max_retry_after: Duration::ZERO,
    };

    /// The wait before attempt `next` (2 for the first retry), or `None` to give up.
    pub fn delay(&self, route: &Route, error: &Error, next: u32) -> Option<Duration> {
        if next > self.max_attempts {
            return None;
        }
        let processed = match error {
            Error::RateLimited { retry_after } => {
                return match retry_after {
                    Some(wait) if *wait > self.max_retry_after => None,
                    Some(wait) => Some(*wait),
                    None => Some(self.backoff(next)),
                };
            }
            e if e.code() == Some(Code::Unavailable) => false,
            Error::Connect(_) => false,
            // The same oversized answer would come again.
            Error::AnswerTooLarge { .. } => return None,
            e if e.outcome_unknown() => true,
            _ => return None,
        };
        (!processed || repeatable(route)).then(|| self.backoff(next))
    }

    /// Exponential, capped, with "equal jitter": between half and all of the step.
    fn backoff(&self, next: u32) -> Duration {
        let step = self
            .base
            .saturating_mul(1u32 << (next.saturating_sub(2)).min(16))
            .min(self.cap);
        let jitter = fastrand_unit();
        step.mul_f64(0.5 + 0.5 * jitter)
    }
}

/// A number in [0, 1) from the clock and a counter: jitter needs spread, not secrecy.
fn fastrand_unit() -> f64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(0x9E37_79B9_7F4A_7C15);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    let mut z = SEQ.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) ^ nanos;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// Whether sending the call again after an unknown outcome is harmless: reads; create (the
/// partner's `externalUserId` makes a second create answer `P411`, not a second user); update
/// (the same values again); state changes whose repeat answers "already so" (delete, suspend,
/// unsuspend, extend); uploads (a side or a waiting POA is replaced or answered `P211`). Not
/// Add User Verification or Creating KYC Verification: a repeat could start a second review or
/// a second billed hosted session.
pub fn repeatable(route: &Route) -> bool {
    route.method == Method::Get
        || [
            routes::CREATE_USER.name,
            routes::UPDATE_USER.name,
            routes::DELETE_USER.name,
            routes::SUSPEND_USER.name,
            routes::UNSUSPEND_USER.name,
            routes::EXTEND_USER.name,
            routes::ADD_KYC_FILE.name,
            routes::ADD_POA_FILE.name,
            // Setting a card's state, PIN or limits again sets the same; a card deleted twice
            // stays deleted (the sandbox answers both as done; P100 is silent).
            routes::UPDATE_CARD_PIN.name,
            routes::BLOCK_CARD.name,
            routes::UNBLOCK_CARD.name,
            routes::UPDATE_CARD_LIMITS.name,
            routes::DELETE_CARD.name,
            // The same sender's data again on a deposit that took it answers as done. Not
            // transfers, exchanges or withdrawals: P100 takes no idempotency key, so a repeat
            // could move the money twice.
            routes::UPDATE_TRAVEL_RULE.name,
        ]
        .contains(&route.name)
}

/// A retry about to be waited for.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryNotice {
    pub route: &'static str,
    /// The attempt that will follow the wait (2 for the first retry).
    pub attempt: u32,
    pub max_attempts: u32,
    pub delay: Duration,
    /// Why, in words: "P100 is rate limiting", "the request timed out", …
    pub reason: String,
}

/// What happened to one call, for the caller to read afterwards.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallRecord {
    pub attempts: u32,
    /// An earlier attempt may have reached P100 and acted: a "duplicate" answer to a later one
    /// (`P411`, `P455`, …) means the operation happened.
    pub earlier_outcome_unknown: bool,
}

/// A caller's view of its calls' retries: notices as they are scheduled, a way to cancel a
/// wait, and the record of attempts.
#[derive(Clone)]
pub struct RetryHook {
    pub notify: Arc<dyn Fn(&RetryNotice) + Send + Sync>,
    pub cancel: watch::Receiver<bool>,
    pub record: Arc<Mutex<CallRecord>>,
}

impl RetryHook {
    pub fn new(
        notify: Arc<dyn Fn(&RetryNotice) + Send + Sync>,
        cancel: watch::Receiver<bool>,
    ) -> Self {
        Self {
            notify,
            cancel,
            record: Arc::default(),
        }
    }

    pub fn record(&self) -> CallRecord {
        *self.record.lock().unwrap_or_else(|e| e.into_inner())
    }
}

tokio::task_local! {
    /// The hook of the task making the call, if its caller installed one with `HOOK.scope`.
    pub static HOOK: RetryHook;
}

/// The operator-facing reason for a retry.
pub fn reason(error: &Error) -> String {
    match error {
        Error::RateLimited { .. } => "P100 is rate limiting".into(),
        e if e.code() == Some(Code::Unavailable) => {
            format!("P100 is temporarily unavailable ({})", Code::Unavailable)
        }
        e if e.code() == Some(Code::UnknownException) => {
            format!(
                "P100 reported an unknown exception ({})",
                Code::UnknownException
            )
        }
        Error::Timeout => "the request timed out".into(),
        Error::Connect(_) => "P100 could not be reached".into(),
        Error::Server { status } => format!("P100 answered HTTP {status}"),
        Error::Transport(_) => "the connection broke".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: &str) -> Error {
        Error::Api {
            status: 400,
            code: code.into(),
            name: None,
            message: String::new(),
        }
    }

    #[test]
    fn not_processed_is_retried_for_every_operation() {
        let p = RetryPolicy::default();
        for route in [
            &routes::ADD_USER_VERIFICATION,
            &routes::CREATE_KYC_VERIFICATION,
            &routes::CREATE_USER,
        ] {
            assert!(p.delay(route, &api("P501"), 2).is_some(), "{}", route.name);
            assert!(
                p.delay(route, &Error::Connect("refused".into()), 2)
                    .is_some()
            );
            assert_eq!(
                p.delay(
                    route,
                    &Error::RateLimited {
                        retry_after: Some(Duration::from_secs(3))
                    },
                    2
                ),
                Some(Duration::from_secs(3)),
                "Retry-After is honoured exactly"
            );
        }
    }

    #[test]
    fn unknown_outcomes_are_retried_only_where_a_repeat_is_harmless() {
        let p = RetryPolicy::default();
        for e in [
            Error::Timeout,
            Error::Server { status: 502 },
            Error::Transport("cut".into()),
            api("P500"),
        ] {
            assert!(p.delay(&routes::CREATE_USER, &e, 2).is_some(), "{e}");
            assert!(p.delay(&routes::GET_KYC_STATUS, &e, 2).is_some());
            assert!(
                p.delay(&routes::ADD_USER_VERIFICATION, &e, 2).is_none(),
                "a second review"
            );
            assert!(
                p.delay(&routes::CREATE_KYC_VERIFICATION, &e, 2).is_none(),
                "a second billed session"
            );
        }
    }

    #[test]
    fn refusals_are_final_and_attempts_are_bounded() {
        let p = RetryPolicy::default();
        assert!(
            p.delay(
                &routes::CREATE_USER,
                &Error::Validation {
                    message: "x".into()
                },
                2
            )
            .is_none()
        );
        assert!(p.delay(&routes::CREATE_USER, &api("P411"), 2).is_none());
        assert!(
            p.delay(&routes::CREATE_USER, &Error::Timeout, 5).is_none(),
            "4 attempts in all"
        );
        let long = Error::RateLimited {
            retry_after: Some(Duration::from_secs(3600)),
        };
        assert!(
            p.delay(&routes::CREATE_USER, &long, 2).is_none(),
            "an hour is the operator's call"
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter() {
        let p = RetryPolicy::default();
        for _ in 0..100 {
            let d = |n| {
                p.delay(&routes::GET_KYC_STATUS, &Error::Timeout, n)
                    .unwrap()
            };
            let (a, b, c) = (d(2), d(3), d(4));
            assert!(
                a >= Duration::from_millis(250) && a <= Duration::from_millis(500),
                "{a:?}"
            );
            assert!(
                b >= Duration::from_millis(500) && b <= Duration::from_secs(1),
                "{b:?}"
            );
            assert!(
                c >= Duration::from_secs(1) && c <= Duration::from_secs(2),
                "{c:?}"
            );
        }
        let capped = RetryPolicy {
            max_attempts: 30,
            ..p
        };
        assert!(
            capped
                .delay(&routes::GET_KYC_STATUS, &Error::Timeout, 30)
                .unwrap()
                <= p.cap
        );
    }
}
