//! The sandbox's users and every state change P100's user and KYC operations make.
//!
//! Each operation works on a copy of one user and commits it (memory, `--state` file,
//! webhooks, review timer) only when it succeeds, so a refused call changes nothing.
//! The rules for what is allowed in which state are in docs/decisions.md; P100 leaves most of
//! them unsaid.

mod accounts;
mod cards;
mod crypto;
mod exchange;
mod kyc;
mod money;
mod poa;

pub use cards::CardPayment;
pub use crypto::FAILING_MEMO;
pub use exchange::rates;
pub use kyc::verification_magic;

use crate::config::SandboxConfig;
use crate::error::ApiError;
use crate::faults::Faults;
use crate::model::{Partner, PoaOutcome, Review, User};
use crate::persist::Persist;
use crate::webhooks::{WebhookEvent, Webhooks};
use kyc::{decide_hosted, decide_verification, is_manual};
use p100::models::UserStatus;
use poa::decide_poa;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

pub struct Sandbox {
    pub config: SandboxConfig,
    pub webhooks: Webhooks,
    pub faults: Arc<Faults>,
    inner: Mutex<Inner>,
}

struct Inner {
    /// Boxed: a `User` is ~760 bytes, and load tests create hundreds of thousands.
    users: HashMap<String, Box<User>>,
    /// The partner's balances (one partner per sandbox: one API key).
    partner: Partner,
    persist: Option<Persist>,
}

/// What a committed change sends out.
#[derive(Default)]
struct Effects {
    webhooks: Vec<WebhookEvent>,
    /// Start the KYC review timer for the user's new `review_seq`.
    schedule_kyc: bool,
    /// Start the POA review timer for the user's new `poa_seq`.
    schedule_poa: bool,
    /// Moves (exchanges, withdrawals, deposits) to settle after the review delay, by id.
    settle: Vec<String>,
}

#[derive(Clone, Copy)]
enum Timer {
    Kyc,
    Poa,
}

/// The default rejection reason when a magic value asks for a rejection without naming one.
pub const DEFAULT_REJECTION: &str = "DOCUMENT_DAMAGED";

pub fn now() -> String {
    p100::timestamp::now()
}

impl Sandbox {
    /// Opens the `--state` file if any and loads its users.
    pub fn new(config: SandboxConfig) -> std::io::Result<Self> {
        let persist = match &config.state_file {
            Some(path) => Some(
                Persist::open(path)
                    .map_err(|e| std::io::Error::other(format!("state file: {e}")))?,
            ),
            None => None,
        };
        let (users, partner) = match &persist {
            Some(p) => (
                p.load()
                    .map_err(|e| std::io::Error::other(format!("state file: {e}")))?,
                p.load_partner()
                    .map_err(|e| std::io::Error::other(format!("state file: {e}")))?,
            ),
            None => (Vec::new(), None),
        };
        Ok(Self {
            webhooks: Webhooks::new(config.webhooks.clone()),
            faults: Arc::new(Faults::new(config.rate_limit_per_sec)),
            inner: Mutex::new(Inner {
                users: users
                    .into_iter()
                    .map(|u| (u.external_user_id.clone(), Box::new(u)))
                    .collect(),
                partner: partner.unwrap_or_else(money::opening_partner),
                persist,
            }),
            config,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Restarts the timers of reviews that were under way when the state was saved.
    pub fn resume_reviews(self: &Arc<Self>) {
        let mut due = Vec::new();
        for u in self.lock().users.values() {
            if u.review.as_ref().is_some_and(|r| !is_manual(r)) {
                due.push((u.external_user_id.clone(), Timer::Kyc, u.review_seq));
            }
            if u.poa_review.is_some_and(|o| o != PoaOutcome::Manual) {
                due.push((u.external_user_id.clone(), Timer::Poa, u.poa_seq));
            }
        }
        for (ext, timer, seq) in due {
            self.schedule(ext, timer, seq);
        }
        let pending: Vec<(String, String)> = self
            .lock()
            .users
            .values()
            .flat_map(|u| money::pending_moves(u).map(|id| (u.external_user_id.clone(), id)))
            .collect();
        for (ext, id) in pending {
            self.schedule_settle(ext, id);
        }
    }

    /// Runs `f` on a copy of a live (not deleted) user and commits the copy if `f` succeeds.
    fn change<T>(
        self: &Arc<Self>,
        ext: &str,
        f: impl FnOnce(&mut User, &mut Effects) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.change_with_partner(ext, |u, _, fx| f(u, fx))
    }

    /// [`Self::change`] of a user and the partner together (a transfer moves money between
    /// them): both copies are committed, or neither.
    fn change_with_partner<T>(
        self: &Arc<Self>,
        ext: &str,
        f: impl FnOnce(&mut User, &mut Partner, &mut Effects) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut fx = Effects::default();
        let (value, seqs) = {
            let mut inner = self.lock();
            let current = inner
                .users
                .get(ext)
                .filter(|u| u.status != UserStatus::Deleted)
                .ok_or_else(ApiError::invalid_user)?;
            let mut user = User::clone(current);
            let mut partner = inner.partner.clone();
            let value = f(&mut user, &mut partner, &mut fx)?;
            let partner_changed = partner != inner.partner;
            if let Some(p) = &inner.persist {
                let saved = p.save(&user).and_then(|()| {
                    if partner_changed {
                        p.save_partner(&partner)
                    } else {
                        Ok(())
                    }
                });
                if let Err(e) = saved {
                    tracing::error!(error = %e, "could not write the state file");
                    return Err(ApiError::unknown_exception());
                }
            }
            let seqs = (user.review_seq, user.poa_seq);
            inner.users.insert(ext.to_owned(), Box::new(user));
            inner.partner = partner;
            // Inside the lock: two changes of one user emit in the order they were made
            // (emit only queues).
            for event in std::mem::take(&mut fx.webhooks) {
                self.webhooks.emit(event);
            }
            (value, seqs)
        };
        if fx.schedule_kyc {
            self.schedule(ext.to_owned(), Timer::Kyc, seqs.0);
        }
        if fx.schedule_poa {
            self.schedule(ext.to_owned(), Timer::Poa, seqs.1);
        }
        for id in std::mem::take(&mut fx.settle) {
            self.schedule_settle(ext.to_owned(), id);
        }
        Ok(value)
    }

    fn read<T>(
        &self,
        ext: &str,
        f: impl FnOnce(&User) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let inner = self.lock();
        let user = inner
            .users
            .get(ext)
            .filter(|u| u.status != UserStatus::Deleted)
            .ok_or_else(ApiError::invalid_user)?;
        f(user)
    }

    fn schedule(self: &Arc<Self>, ext: String, timer: Timer, seq: u64) {
        let me = Arc::clone(self);
        let delay = self.config.review_delay;
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            // A deleted user answers P412 here: nothing left to decide.
            let _ = me.change(&ext, |u, fx| {
                match timer {
                    // A changed seq means the review was decided or replaced meanwhile.
                    Timer::Kyc if u.review_seq == seq => match u.review.clone() {
                        Some(Review::Verification { outcome }) => {
                            decide_verification(u, &outcome, fx)
                        }
                        Some(Review::Hosted { outcome }) => decide_hosted(u, &outcome, fx),
                        None => {}
                    },
                    Timer::Poa if u.poa_seq == seq => {
                        if let Some(outcome) = u.poa_review {
                            decide_poa(u, outcome, fx);
                        }
                    }
                    _ => {}
                }
                Ok(())
            });
        });
    }

    // ----- user accounts -------------------------------------------------------------------

    /// Every user, deleted ones included, oldest first.
    pub fn all_users(&self) -> Vec<User> {
        let mut users: Vec<User> = self.lock().users.values().map(|u| User::clone(u)).collect();
        users.sort_by(|a, b| {
            a.created_at
                .cmp(&b.created_at)
                .then_with(|| a.external_user_id.cmp(&b.external_user_id))
        });
        users
    }

    pub fn user(&self, ext: &str) -> Option<User> {
        self.lock().users.get(ext).map(|u| User::clone(u))
    }

    pub fn user_count(&self) -> usize {
        self.lock().users.len()
    }

    pub fn reset(&self) {
        let mut inner = self.lock();
        // A new map, not clear(): clear() keeps the capacity of a load test's worth of users.
        inner.users = HashMap::new();
        inner.partner = money::opening_partner();
        if let Some(p) = &inner.persist
            && let Err(e) = p.clear()
        {
            tracing::error!(error = %e, "could not clear the state file");
        }
        drop(inner);
        self.webhooks.clear();
        self.faults.clear();
    }

    /// Sandbox control: `true` gives the user an active card, whatever the rules (as one made
    /// elsewhere); `false` locks every active card.
    pub fn set_active_cards(self: &Arc<Self>, ext: &str, active: bool) -> Result<(), ApiError> {
        self.change(ext, |u, _| {
            if active {
                if !u.cards.iter().any(|c| c.status.is_active()) {
                    u.cards.push(cards::issue("Existing card"));
                }
            } else {
                for c in u.cards.iter_mut().filter(|c| c.status.is_active()) {
                    c.status = p100::models::CardStatus::LockedByUser;
                }
            }
            Ok(())
        })
    }
}
