//! Accounts: create, read, update, delete, suspend, unsuspend, extend; balances and history.

use super::kyc::cancel_review;
use super::poa::cancel_poa_review;
use super::{Sandbox, now};
use crate::config::POA_COUNTRIES;
use crate::error::ApiError;
use crate::model::{Poa, User};
use crate::money;
use crate::webhooks::WebhookEvent;
use p100::models::{
    CreateUserRequest, PoaStatus, TransactionPage, TransactionQuery, UserAccount, UserBalances,
    UserProfile, UserStatus,
};
use std::sync::Arc;

impl Sandbox {
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
            // Magic: a user whose e-mail's local part ends `+cards` already holds an active
            // card (as one made before the desk knew them), so suspension answers P454.
            cards: if request
                .profile
                .email
                .as_deref()
                .is_some_and(has_cards_magic)
            {
                vec![super::cards::issue("Existing card")]
            } else {
                Vec::new()
            },
            moves: Default::default(),
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
            // A deleted user's cards are gone with them.
            for card in &mut u.cards {
                card.status = p100::models::CardStatus::Deleted;
            }
            cancel_review(u);
            cancel_poa_review(u);
            fx.webhooks.push(user_status(u));
            Ok(u.account())
        })
    }

    pub fn suspend_user(self: &Arc<Self>, ext: &str) -> Result<UserAccount, ApiError> {
        self.change(ext, |u, fx| {
            not_suspended(u)?;
            if u.cards.iter().any(|c| c.status.is_active()) {
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
                &u.moves.history,
                query,
            ))
        })
    }

    // ----- KYC -----------------------------------------------------------------------------
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

pub(super) fn not_suspended(u: &User) -> Result<(), ApiError> {
    if u.status == UserStatus::Suspended {
        Err(ApiError::user_suspended())
    } else {
        Ok(())
    }
}

pub(super) fn user_status(u: &User) -> WebhookEvent {
    WebhookEvent::UserStatus {
        external_user_id: u.external_user_id.clone(),
        status: u.status,
    }
}
