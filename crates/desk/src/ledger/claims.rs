//! Webhooks as claims: what P100 (or whoever holds the token) said, kept on the user's timeline
//! as `webhookClaim` events that move no stage, until the desk has asked P100 itself. The
//! confirmation's outcome is written onto the claim; what P100 answered is recorded as events
//! of its own.

use super::Tx;
use super::roster::{RosterChange, UserRecord};
use crate::environment::EnvironmentKind;
use crate::error::Result;
use crate::timeline::{CardCodePurpose, Event, EventSource};
use p100::webhooks::WebhookEvent;
use serde_json::Value;

pub use crate::timeline::Confirmation;

/// What recording a webhook did.
#[derive(Debug)]
pub enum Recorded {
    /// The user is not in this desk's roster: nothing kept.
    UnknownUser,
    /// The same event is pending or was confirmed already: a delivery repeated.
    Repeated,
    /// Kept as a plain timeline event, not a claim: a card's one-time code was sent (the code
    /// itself is dropped: it is a secret, and nothing at P100 would confirm it).
    Noted { user: Box<UserRecord> },
    /// A new claim, to be confirmed.
    New {
        claim_id: i64,
        user: Box<UserRecord>,
    },
}

/// A claim still to confirm.
#[derive(Debug, Clone)]
pub struct PendingClaim {
    pub claim_id: i64,
    pub environment: EnvironmentKind,
    pub event: WebhookEvent,
}

impl PendingClaim {
    /// The claim a stored `webhookClaim` event holds. Stored after the same parse, it reads
    /// back; anything else is left alone (`None`).
    pub fn from_stored(claim_id: i64, environment: EnvironmentKind, event: Event) -> Option<Self> {
        let Event::WebhookClaim { path, claim, .. } = event else {
            return None;
        };
        WebhookEvent::parse(&path, claim.to_string().as_bytes())
            .ok()
            .map(|event| Self {
                claim_id,
                environment,
                event,
            })
    }
}

/// An earlier claim of a user on one webhook path, as the repeat check reads it.
#[derive(Debug, Clone)]
pub struct EarlierClaim {
    /// The body as P100 sent it.
    pub claim: Value,
    pub confirmation: Confirmation,
    /// Made after the user's last event that is not a claim.
    pub since_last_change: bool,
}

/// The claims' primitives.
pub trait ClaimsTx {
    /// The user's claims on webhook `path`, oldest first.
    fn claims_on_path(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        path: &str,
    ) -> Result<Vec<EarlierClaim>>;
    /// Writes a claim's confirmation, with why in words.
    fn settle_claim(&self, claim_id: i64, outcome: Confirmation, note: &str) -> Result<()>;
    /// Claims still pending, oldest first: `(id, environment, the claim event)`.
    fn pending_claim_events(&self) -> Result<Vec<(i64, EnvironmentKind, Event)>>;
}

impl dyn Tx + '_ {
    /// Keeps a webhook as a claim on its user's timeline.
    pub fn record_claim(&self, env: EnvironmentKind, event: &WebhookEvent) -> Result<Recorded> {
        let ext = event.external_user_id();
        let Some(user) = self.user(env, ext)? else {
            return Ok(Recorded::UnknownUser);
        };
        if let Some(code) = event.card_code() {
            let sent = Event::CardCodeSent {
                card_id: code.card_id.clone(),
                last_digits: code.card_last_digits.clone(),
                purpose: match event {
                    WebhookEvent::Card3dsCode(_) => CardCodePurpose::ThreeDs,
                    _ => CardCodePurpose::Activation,
                },
            };
            self.add_event(env, ext, EventSource::Webhook, &sent)?;
            let user = self.apply_to_user(env, ext, &RosterChange::Touch)?;
            return Ok(Recorded::Noted {
                user: Box::new(user),
            });
        }
        let payload = event.payload();
        if self.is_repeat(env, &user, event, &payload)? {
            return Ok(Recorded::Repeated);
        }
        let claim = Event::WebhookClaim {
            event: event.name().to_owned(),
            path: event.path().to_owned(),
            claim: payload,
            confirmation: Confirmation::Pending,
            note: None,
        };
        let claim_id = self.add_event(env, ext, EventSource::Webhook, &claim)?;
        let user = self.apply_to_user(env, ext, &RosterChange::Touch)?;
        Ok(Recorded::New {
            claim_id,
            user: Box::new(user),
        })
    }

    /// Whether `event` repeats a delivery: the same claim was made before, was not refuted, and
    /// the roster already says what it says — or, for a KYC file (no roster fact to compare),
    /// the same claim was made since anything else happened to the user. A repeat changes
    /// nothing and adds no line; the same words after a real change (new documents after a
    /// rejection) are news again.
    fn is_repeat(
        &self,
        env: EnvironmentKind,
        user: &UserRecord,
        event: &WebhookEvent,
        payload: &Value,
    ) -> Result<bool> {
        let same: Vec<EarlierClaim> = self
            .claims_on_path(env, event.external_user_id(), event.path())?
            .into_iter()
            .filter(|c| c.claim == *payload)
            .collect();
        Ok(match roster_says(user, event) {
            Some(true) => same
                .iter()
                .any(|c| c.confirmation != Confirmation::Unconfirmed),
            Some(false) => false,
            None => same.iter().any(|c| c.since_last_change),
        })
    }

    /// Claims not yet confirmed, oldest first (to resume after a restart).
    pub fn pending_claims(&self) -> Result<Vec<PendingClaim>> {
        Ok(self
            .pending_claim_events()?
            .into_iter()
            .filter_map(|(id, env, event)| PendingClaim::from_stored(id, env, event))
            .collect())
    }
}

/// Whether the roster already holds what `event` claims; `None` for claims the roster keeps no
/// fact of (a KYC file's fate).
fn roster_says(user: &UserRecord, event: &WebhookEvent) -> Option<bool> {
    Some(match event {
        WebhookEvent::UserStatus { status, .. } => match status {
            p100::models::UserStatus::Deleted => user.deleted_at.is_some(),
            s => user.status == *s,
        },
        WebhookEvent::PoaStatus { status, .. } => user.poa_status == Some(*status),
        WebhookEvent::KycVerification {
            verification_status,
            attempt_status,
            rejection_reason,
            ..
        } => {
            user.verification_status == Some(*verification_status)
                && user.attempt_status == *attempt_status
                && user.rejection_reason == *rejection_reason
        }
        // Money and card claims: the roster keeps no fact of them.
        WebhookEvent::KycFile { .. }
        | WebhookEvent::Transfer(_)
        | WebhookEvent::Exchange(_)
        | WebhookEvent::CryptoWithdrawal(_)
        | WebhookEvent::CryptoDeposit(_)
        | WebhookEvent::CardTransaction(_)
        | WebhookEvent::Card3dsCode(_)
        | WebhookEvent::CardActivationCode(_) => return None,
    })
}
