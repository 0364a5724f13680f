//! The sandbox's users and every state change P100's user and KYC operations make.
//!
//! Each operation works on a copy of one user and commits it (memory, `--state` file,
//! webhooks, review timer) only when it succeeds, so a refused call changes nothing.
//! The rules for what is allowed in which state are in docs/decisions.md; P100 leaves most of
//! them unsaid.

use crate::config::{POA_COUNTRIES, SandboxConfig};
use crate::error::ApiError;
use crate::faults::Faults;
use crate::files::Upload;
use crate::model::{Kyc, KycMethod, Outcome, Poa, PoaOutcome, Review, User};
use crate::money;
use crate::persist::Persist;
use crate::webhooks::{WebhookEvent, Webhooks};
use p100::models::{
    AttemptStatus, CreateKycVerificationRequest, CreateKycVerificationResponse, CreateUserRequest,
    DocumentType, KycFileSide, KycFileStatus, KycFilesResponse, KycStatus, PoaStatus,
    PoaUploadResponse, TransactionPage, TransactionQuery, UserAccount, UserBalances, UserProfile,
    UserStatus, UserVerificationRequest, VerificationStatus,
};
use std::collections::{BTreeMap, HashMap};
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
        let users = match &persist {
            Some(p) => p
                .load()
                .map_err(|e| std::io::Error::other(format!("state file: {e}")))?,
            None => Vec::new(),
        };
        Ok(Self {
            webhooks: Webhooks::new(config.webhooks.clone()),
            faults: Arc::new(Faults::new(config.rate_limit_per_sec)),
            inner: Mutex::new(Inner {
                users: users
                    .into_iter()
                    .map(|u| (u.external_user_id.clone(), Box::new(u)))
                    .collect(),
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
    }

    /// Runs `f` on a copy of a live (not deleted) user and commits the copy if `f` succeeds.
    fn change<T>(
        self: &Arc<Self>,
        ext: &str,
        f: impl FnOnce(&mut User, &mut Effects) -> Result<T, ApiError>,
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
            let value = f(&mut user, &mut fx)?;
            if let Some(p) = &inner.persist
                && let Err(e) = p.save(&user)
            {
                tracing::error!(error = %e, "could not write the state file");
                return Err(ApiError::unknown_exception());
            }
            let seqs = (user.review_seq, user.poa_seq);
            inner.users.insert(ext.to_owned(), Box::new(user));
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

    /// Stores a validated create request; the new user waits for activation.
    pub fn create_user(&self, request: CreateUserRequest) -> Result<User, ApiError> {
        let mut inner = self.lock();
        if inner.users.contains_key(&request.external_user_id) {
            return Err(ApiError::user_exists());
        }
        let poa = poa_country(&request.profile);
        let user = User {
            external_user_id: request.external_user_id.clone(),
            user_id: uuid::Uuid::new_v4().to_string(),
            created_at: now(),
            active_cards: request
                .profile
                .email
                .as_deref()
                .is_some_and(has_cards_magic),
            profile: request.profile,
            status: UserStatus::WaitingForActivation,
            status_before_suspension: None,
            poa_required_for_extended: poa,
            extended: false,
            kyc: None,
            poa: poa.then(|| Poa {
                status: None,
                files: Vec::new(),
            }),
            verification: None,
            activated_at: None,
            balances: None,
            review: None,
            poa_review: None,
            review_seq: 0,
            poa_seq: 0,
        };
        if let Some(p) = &inner.persist
            && let Err(e) = p.save(&user)
        {
            tracing::error!(error = %e, "could not write the state file");
            return Err(ApiError::unknown_exception());
        }
        inner
            .users
            .insert(user.external_user_id.clone(), Box::new(user.clone()));
        Ok(user)
    }

    pub fn account(&self, ext: &str) -> Result<UserAccount, ApiError> {
        self.read(ext, |u| Ok(u.account()))
    }

    /// Update: the given fields replace the stored ones; the POA flag follows a new residence.
    pub fn update_user(
        self: &Arc<Self>,
        ext: &str,
        changes: UserProfile,
    ) -> Result<UserAccount, ApiError> {
        self.change(ext, |u, _| {
            not_suspended(u)?;
            u.profile.apply(&changes);
            if !u.extended {
                u.poa_required_for_extended = poa_country(&u.profile);
                if u.poa_required_for_extended && u.poa.is_none() {
                    u.poa = Some(Poa {
                        status: None,
                        files: Vec::new(),
                    });
                }
            }
            Ok(u.account())
        })
    }

    /// Delete: allowed in every state; afterwards the user answers `P412` everywhere, and its
    /// `externalUserId` stays taken.
    pub fn delete_user(self: &Arc<Self>, ext: &str) -> Result<UserAccount, ApiError> {
        self.change(ext, |u, fx| {
            u.status = UserStatus::Deleted;
            cancel_review(u);
            cancel_poa_review(u);
            fx.webhooks.push(user_status(u));
            Ok(u.account())
        })
    }

    pub fn suspend_user(self: &Arc<Self>, ext: &str) -> Result<UserAccount, ApiError> {
        self.change(ext, |u, fx| {
            not_suspended(u)?;
            if u.active_cards {
                return Err(ApiError::active_cards());
            }
            u.status_before_suspension = Some(u.status);
            u.status = UserStatus::Suspended;
            fx.webhooks.push(user_status(u));
            Ok(u.account())
        })
    }

    pub fn unsuspend_user(self: &Arc<Self>, ext: &str) -> Result<UserAccount, ApiError> {
        self.change(ext, |u, fx| {
            if u.status != UserStatus::Suspended {
                return Err(ApiError::invalid_state(format!(
                    "User is not suspended (status {})",
                    u.status.as_str()
                )));
            }
            u.status = u
                .status_before_suspension
                .take()
                .unwrap_or(UserStatus::WaitingForActivation);
            fx.webhooks.push(user_status(u));
            Ok(u.account())
        })
    }

    /// Extend: an active user reaches the extended level; where POA applies, an approved POA
    /// must come first. Extending twice is not an error.
    pub fn extend_user(self: &Arc<Self>, ext: &str) -> Result<UserAccount, ApiError> {
        self.change(ext, |u, _| {
            not_suspended(u)?;
            if u.status != UserStatus::Active {
                return Err(ApiError::not_verified());
            }
            if u.poa_required_for_extended {
                match u.poa.as_ref().and_then(|p| p.status) {
                    Some(PoaStatus::Approved) => {}
                    Some(PoaStatus::Waiting) => return Err(ApiError::poa_pending()),
                    None => return Err(ApiError::poa_not_found("upload a proof of address first")),
                    Some(s) => {
                        return Err(ApiError::poa_not_found(&format!(
                            "the last proof of address was {}; upload a new one",
                            s.as_str().to_lowercase()
                        )));
                    }
                }
            }
            u.extended = true;
            Ok(u.account())
        })
    }

    pub fn balances(&self, ext: &str) -> Result<UserBalances, ApiError> {
        self.read(ext, |u| Ok(u.balances.clone().unwrap_or_default()))
    }

    pub fn transactions(
        &self,
        ext: &str,
        query: &TransactionQuery,
    ) -> Result<TransactionPage, ApiError> {
        self.read(ext, |u| {
            Ok(money::transactions(
                &u.external_user_id,
                u.activated_at.as_deref(),
                query,
            ))
        })
    }

    // ----- KYC -----------------------------------------------------------------------------

    /// Method A: adds images to the user's document set; the set is complete once every side the
    /// document type needs has arrived. Sending another document type starts a new set.
    pub fn add_kyc_files(
        self: &Arc<Self>,
        ext: &str,
        document_type: DocumentType,
        files: &[(KycFileSide, Upload)],
    ) -> Result<KycFilesResponse, ApiError> {
        self.change(ext, |u, fx| {
            not_suspended(u)?;
            kyc_open(u)?;
            let mut set = match &u.kyc {
                Some(Kyc {
                    method:
                        KycMethod::Files {
                            document_type: t,
                            files,
                        },
                    ..
                }) if *t == document_type => files.clone(),
                _ => BTreeMap::new(),
            };
            let mut added = false;
            for (side, upload) in files {
                if upload.file_name.to_ascii_lowercase().contains("error") {
                    fx.webhooks.push(WebhookEvent::KycFile {
                        external_user_id: u.external_user_id.clone(),
                        status: KycFileStatus::Error,
                    });
                } else {
                    set.insert(*side, upload.file_name.clone());
                    added = true;
                }
            }
            if added {
                fx.webhooks.push(WebhookEvent::KycFile {
                    external_user_id: u.external_user_id.clone(),
                    status: KycFileStatus::Added,
                });
            }
            u.kyc = Some(Kyc {
                method: KycMethod::Files {
                    document_type,
                    files: set.clone(),
                },
                verification_status: VerificationStatus::NotVerified,
                attempt_status: AttemptStatus::Pending,
                rejection_reason: None,
            });
            let required = document_type.required_sides().unwrap_or(&[]);
            Ok(KycFilesResponse {
                external_user_id: u.external_user_id.clone(),
                document_type,
                received: set.keys().copied().collect(),
                missing: required
                    .iter()
                    .filter(|s| !set.contains_key(s))
                    .copied()
                    .collect(),
            })
        })
    }

    /// Method B: a hosted verification session; replaces any Method A files.
    pub fn create_hosted(
        self: &Arc<Self>,
        req: &CreateKycVerificationRequest,
    ) -> Result<CreateKycVerificationResponse, ApiError> {
        self.change(&req.external_user_id, |u, fx| {
            not_suspended(u)?;
            kyc_open(u)?;
            let verification_id = uuid::Uuid::new_v4().to_string();
            u.kyc = Some(Kyc {
                method: KycMethod::Hosted {
                    verification_id: verification_id.clone(),
                    document_type: req.document_type,
                },
                verification_status: VerificationStatus::NotVerified,
                attempt_status: AttemptStatus::Pending,
                rejection_reason: None,
            });
            fx.webhooks.push(kyc_event(u));
            Ok(CreateKycVerificationResponse {
                external_user_id: u.external_user_id.clone(),
                verification_id,
            })
        })
    }

    /// The user and hosted session behind a redirect link, or P412 / P445.
    pub fn hosted_session(
        &self,
        ext: &str,
        verification_id: &str,
    ) -> Result<(User, AttemptStatus), ApiError> {
        self.read(ext, |u| match &u.kyc {
            Some(Kyc {
                method:
                    KycMethod::Hosted {
                        verification_id: v, ..
                    },
                attempt_status,
                ..
            }) if v == verification_id => Ok((u.clone(), *attempt_status)),
            _ => Err(ApiError::kyc_not_found()),
        })
    }

    /// The end user finished the provider page: the check goes to `VERIFICATION` and is decided
    /// after the review delay.
    pub fn complete_hosted(
        self: &Arc<Self>,
        ext: &str,
        verification_id: &str,
        outcome: Outcome,
    ) -> Result<(), ApiError> {
        self.change(ext, |u, fx| {
            let kyc = u.kyc.as_mut().ok_or_else(ApiError::kyc_not_found)?;
            match &kyc.method {
                KycMethod::Hosted {
                    verification_id: v, ..
                } if v == verification_id => {}
                _ => return Err(ApiError::kyc_not_found()),
            }
            if kyc.attempt_status != AttemptStatus::Pending {
                return Err(ApiError::invalid_state(
                    "This verification was already completed",
                ));
            }
            kyc.attempt_status = AttemptStatus::Verification;
            fx.webhooks.push(kyc_event(u));
            start_review(u, Review::Hosted { outcome }, fx);
            Ok(())
        })
    }

    /// Add User Verification: needs a complete Method A set or a passed hosted check; the
    /// decision (activation, or rejection) comes after the review delay.
    pub fn add_verification(
        self: &Arc<Self>,
        req: UserVerificationRequest,
    ) -> Result<KycStatus, ApiError> {
        let outcome = verification_magic(&req.document_number);
        self.change(&req.external_user_id.clone(), |u, fx| {
            not_suspended(u)?;
            if u.status == UserStatus::Active {
                return Err(ApiError::invalid_state("User is already verified"));
            }
            if matches!(u.review, Some(Review::Verification { .. })) {
                return Err(ApiError::invalid_state(
                    "A verification is already under review",
                ));
            }
            let kyc = u.kyc.as_mut().ok_or_else(ApiError::kyc_not_found)?;
            match &kyc.method {
                KycMethod::Files {
                    document_type,
                    files,
                } => {
                    let missing: Vec<&str> = document_type
                        .required_sides()
                        .unwrap_or(&[])
                        .iter()
                        .filter(|s| !files.contains_key(s))
                        .map(|s| s.as_str())
                        .collect();
                    if !missing.is_empty() {
                        return Err(ApiError::validation_message(format!(
                            "KYC documents are incomplete: {} missing.",
                            missing.join(", ")
                        )));
                    }
                    if *document_type != req.document_type {
                        return Err(ApiError::validation_message(format!(
                            "documentType must match the uploaded KYC documents ({}).",
                            document_type.as_str()
                        )));
                    }
                    kyc.attempt_status = AttemptStatus::Verification;
                    kyc.rejection_reason = None;
                    fx.webhooks.push(kyc_event(u));
                }
                KycMethod::Hosted { .. } => {
                    if kyc.attempt_status != AttemptStatus::Successful {
                        return Err(ApiError::not_verified());
                    }
                }
            }
            u.verification = Some(req);
            start_review(u, Review::Verification { outcome }, fx);
            u.kyc_status().ok_or_else(ApiError::kyc_not_found)
        })
    }

    pub fn kyc_status(&self, ext: &str) -> Result<KycStatus, ApiError> {
        self.read(ext, |u| u.kyc_status().ok_or_else(ApiError::kyc_not_found))
    }

    // ----- POA -----------------------------------------------------------------------------

    /// Add POA File: the files are already checked one by one (type, size).
    pub fn add_poa(
        self: &Arc<Self>,
        ext: &str,
        files: &[Upload],
    ) -> Result<PoaUploadResponse, ApiError> {
        self.change(ext, |u, fx| {
            not_suspended(u)?;
            let poa = u.poa.as_mut().ok_or_else(|| {
                ApiError::poa_not_found("proof of address is not required for this user")
            })?;
            match poa.status {
                Some(PoaStatus::Waiting) => return Err(ApiError::poa_pending()),
                Some(PoaStatus::Approved) => return Err(ApiError::poa_already_verified()),
                _ => {}
            }
            poa.status = Some(PoaStatus::Waiting);
            poa.files = files.iter().map(|f| f.file_name.clone()).collect();
            let outcome = poa_magic(&poa.files);
            fx.webhooks.push(poa_event(u));
            u.poa_review = Some(outcome);
            u.poa_seq += 1;
            fx.schedule_poa = outcome != PoaOutcome::Manual;
            Ok(PoaUploadResponse {
                external_user_id: u.external_user_id.clone(),
                status: PoaStatus::Waiting,
                files: files.len() as u32,
            })
        })
    }

    // ----- admin ---------------------------------------------------------------------------

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
        if let Some(p) = &inner.persist
            && let Err(e) = p.clear()
        {
            tracing::error!(error = %e, "could not clear the state file");
        }
        drop(inner);
        self.webhooks.clear();
        self.faults.clear();
    }

    /// Decides a pending KYC review now (verification or hosted check).
    pub fn decide_kyc(self: &Arc<Self>, ext: &str, outcome: Outcome) -> Result<(), ApiError> {
        self.change(ext, |u, fx| match u.review.clone() {
            Some(Review::Verification { .. }) => {
                decide_verification(u, &outcome, fx);
                Ok(())
            }
            Some(Review::Hosted { .. }) => {
                decide_hosted(u, &outcome, fx);
                Ok(())
            }
            _ => Err(ApiError::invalid_state(
                "No KYC review is pending for this user",
            )),
        })
    }

    pub fn decide_poa_now(
        self: &Arc<Self>,
        ext: &str,
        outcome: PoaOutcome,
    ) -> Result<(), ApiError> {
        self.change(ext, |u, fx| match u.poa_review {
            Some(_) => {
                decide_poa(u, outcome, fx);
                Ok(())
            }
            None => Err(ApiError::invalid_state(
                "No POA review is pending for this user",
            )),
        })
    }

    pub fn set_active_cards(self: &Arc<Self>, ext: &str, active: bool) -> Result<(), ApiError> {
        self.change(ext, |u, _| {
            u.active_cards = active;
            Ok(())
        })
    }
}

fn is_manual(r: &Review) -> bool {
    matches!(
        r,
        Review::Verification {
            outcome: Outcome::Manual
        } | Review::Hosted {
            outcome: Outcome::Manual
        }
    )
}

fn poa_country(p: &UserProfile) -> bool {
    p.country
        .as_deref()
        .is_some_and(|c| POA_COUNTRIES.contains(&c))
}

/// Magic: an e-mail whose local part ends in `+cards` belongs to a user with active cards.
fn has_cards_magic(email: &str) -> bool {
    email
        .split_once('@')
        .is_some_and(|(local, _)| local.to_ascii_lowercase().ends_with("+cards"))
}

/// Magic `documentNumber`s: `REJECT` or `REJECT_<REASON>` rejects, `MANUAL…` waits for the admin
/// route; anything else is approved.
pub fn verification_magic(document_number: &str) -> Outcome {
    let n = document_number.to_ascii_uppercase();
    if let Some(rest) = n.strip_prefix("REJECT") {
        let reason = rest.trim_start_matches(['_', '-']);
        Outcome::Reject {
            reason: if reason.is_empty() {
                DEFAULT_REJECTION.to_owned()
            } else {
                reason.to_owned()
            },
        }
    } else if n.starts_with("MANUAL") {
        Outcome::Manual
    } else {
        Outcome::Approve
    }
}

/// Magic POA file names: `reject`, `question` or `manual` anywhere in a name.
fn poa_magic(names: &[String]) -> PoaOutcome {
    let has = |w: &str| names.iter().any(|n| n.to_ascii_lowercase().contains(w));
    if has("reject") {
        PoaOutcome::Reject
    } else if has("question") {
        PoaOutcome::Question
    } else if has("manual") {
        PoaOutcome::Manual
    } else {
        PoaOutcome::Approve
    }
}

fn not_suspended(u: &User) -> Result<(), ApiError> {
    if u.status == UserStatus::Suspended {
        Err(ApiError::user_suspended())
    } else {
        Ok(())
    }
}

/// New KYC material is refused once KYC is verified, or while a verification is being decided.
fn kyc_open(u: &User) -> Result<(), ApiError> {
    if u.kyc
        .as_ref()
        .is_some_and(|k| k.verification_status == VerificationStatus::Verified)
    {
        return Err(ApiError::invalid_state("KYC is already verified"));
    }
    if matches!(
        u.review,
        Some(Review::Verification { .. } | Review::Hosted { .. })
    ) {
        return Err(ApiError::invalid_state("A KYC check is under review"));
    }
    Ok(())
}

fn start_review(u: &mut User, review: Review, fx: &mut Effects) {
    fx.schedule_kyc = !is_manual(&review);
    u.review = Some(review);
    u.review_seq += 1;
}

fn cancel_review(u: &mut User) {
    u.review = None;
    u.review_seq += 1;
}

fn cancel_poa_review(u: &mut User) {
    u.poa_review = None;
    u.poa_seq += 1;
}

fn user_status(u: &User) -> WebhookEvent {
    WebhookEvent::UserStatus {
        external_user_id: u.external_user_id.clone(),
        status: u.status,
    }
}

fn kyc_event(u: &User) -> WebhookEvent {
    let k = u.kyc.as_ref();
    WebhookEvent::KycVerification {
        external_user_id: u.external_user_id.clone(),
        verification_status: k.map_or(VerificationStatus::NotVerified, |k| k.verification_status),
        attempt_status: Some(k.map_or(AttemptStatus::Pending, |k| k.attempt_status)),
        rejection_reason: k.and_then(|k| k.rejection_reason.clone()),
    }
}

fn poa_event(u: &User) -> WebhookEvent {
    WebhookEvent::PoaStatus {
        external_user_id: u.external_user_id.clone(),
        status: u
            .poa
            .as_ref()
            .and_then(|p| p.status)
            .unwrap_or(PoaStatus::Waiting),
    }
}

/// Approve activates the user and creates balances; reject sends the user back to documents.
fn decide_verification(u: &mut User, outcome: &Outcome, fx: &mut Effects) {
    cancel_review(u);
    let Some(kyc) = u.kyc.as_mut() else { return };
    match outcome {
        Outcome::Approve => {
            let changed = kyc.attempt_status != AttemptStatus::Successful;
            kyc.verification_status = VerificationStatus::Verified;
            kyc.attempt_status = AttemptStatus::Successful;
            kyc.rejection_reason = None;
            if changed {
                fx.webhooks.push(kyc_event(u));
            }
            let at = now();
            u.balances = Some(money::balances(
                &u.external_user_id,
                u.profile.country.as_deref(),
                &at,
            ));
            u.activated_at = Some(at);
            if u.status == UserStatus::Suspended {
                u.status_before_suspension = Some(UserStatus::Active);
            } else {
                u.status = UserStatus::Active;
                fx.webhooks.push(user_status(u));
            }
        }
        Outcome::Reject { reason } => {
            kyc.verification_status = VerificationStatus::NotVerified;
            kyc.attempt_status = AttemptStatus::RejectedByProvider;
            kyc.rejection_reason = Some(reason.clone());
            if let KycMethod::Files { files, .. } = &mut kyc.method {
                files.clear(); // the partner must send new images
            }
            u.verification = None;
            fx.webhooks.push(kyc_event(u));
        }
        Outcome::Manual => {}
    }
}

fn decide_hosted(u: &mut User, outcome: &Outcome, fx: &mut Effects) {
    cancel_review(u);
    let Some(kyc) = u.kyc.as_mut() else { return };
    match outcome {
        Outcome::Approve => {
            kyc.verification_status = VerificationStatus::Verified;
            kyc.attempt_status = AttemptStatus::Successful;
            kyc.rejection_reason = None;
        }
        Outcome::Reject { reason } => {
            kyc.verification_status = VerificationStatus::NotVerified;
            kyc.attempt_status = AttemptStatus::RejectedByProvider;
            kyc.rejection_reason = Some(reason.clone());
        }
        Outcome::Manual => return,
    }
    fx.webhooks.push(kyc_event(u));
}

fn decide_poa(u: &mut User, outcome: PoaOutcome, fx: &mut Effects) {
    let status = match outcome {
        PoaOutcome::Approve => PoaStatus::Approved,
        PoaOutcome::Reject => PoaStatus::Rejected,
        PoaOutcome::Question => PoaStatus::Questioned,
        PoaOutcome::Manual => return,
    };
    cancel_poa_review(u);
    let Some(poa) = u.poa.as_mut() else { return };
    poa.status = Some(status);
    fx.webhooks.push(poa_event(u));
}
