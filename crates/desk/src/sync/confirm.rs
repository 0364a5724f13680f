//! Webhooks are hints, not facts: a webhook is kept as a claim (`store::claims`), and only what
//! P100 answers when the desk asks it moves a user. Each claim is confirmed with the read the
//! docs allow for it:
//!
//! | claim | asked | moves the user when |
//! |---|---|---|
//! | KYC verification status | Get KYC Status | always to P100's answer (as a poll would) |
//! | user `ACTIVE` | Get User Balances | balances exist and the user was waiting for activation |
//! | user `DELETED` | Get User Balances | P100 answers `P412` (no such user) |
//! | proof of address | Get KYC Status's `poaStatus` | always to P100's answer, when it carries one |
//! | user `SUSPENDED`, back from suspension, KYC file | no read tells | never (the desk's own operations record these from P100's answers) |
//!
//! A claim is confirmed when P100's answer says the same; otherwise it stays on the timeline as
//! unconfirmed, with what P100 said instead, and has changed no stage and stopped no polling.

use super::LiveSync;
use crate::environment::EnvironmentKind;
use crate::error::{Error, Result};
use crate::ledger::claims::{Confirmation, PendingClaim};
use crate::ledger::roster::{RosterChange, UserRecord};
use crate::onboarding::Stage;
use crate::timeline::{Event, EventSource, KycReport};
use p100::codes::Code;
use p100::models::{KycStatus, UserStatus, VerificationStatus};
use p100::webhooks::WebhookEvent;
use std::time::Duration;

/// Claims waiting for their confirmation, in arrival order.
pub(crate) type ClaimQueue = tokio::sync::mpsc::Sender<PendingClaim>;
/// How many claims may wait; beyond that a claim stays pending until the next start.
pub(crate) const QUEUE: usize = 4096;
/// Asks after a failed read (P100 unreachable, rate limited…), then gives up on the claim.
const RETRIES: [Duration; 3] = [
    Duration::from_secs(2),
    Duration::from_secs(8),
    Duration::from_secs(30),
];

impl LiveSync {
    /// Confirms claims one by one, in order, until the desk is dropped.
    pub(super) async fn confirm_claims(
        desk: std::sync::Weak<LiveSync>,
        mut claims: tokio::sync::mpsc::Receiver<PendingClaim>,
    ) {
        while let Some(claim) = claims.recv().await {
            let Some(d) = desk.upgrade() else { return };
            let mut attempt = 0;
            let settled = loop {
                match d.confirm_once(&claim).await {
                    Err(e) if attempt < RETRIES.len() => {
                        tracing::debug!(error = %e, "a webhook could not be confirmed yet");
                        tokio::time::sleep(RETRIES[attempt]).await;
                        attempt += 1;
                    }
                    Err(e) => break d.give_up(&claim, &e).await,
                    Ok(user) => break Ok(user),
                }
            };
            if let Err(e) = settled {
                tracing::error!(error = %e, "a webhook's confirmation was not stored");
            }
        }
    }

    /// Asks P100 about one claim once and settles it with what P100 answers; announces the
    /// user. An error is a read that did not happen: the claim stays pending.
    pub(crate) async fn confirm_once(&self, claim: &PendingClaim) -> Result<Option<UserRecord>> {
        let (outcome, note) = self.confirm(claim).await?;
        self.settle(claim, outcome, note).await
    }

    /// Settles a claim that P100 could not be asked about, as unconfirmed with why.
    pub(crate) async fn give_up(
        &self,
        claim: &PendingClaim,
        why: &Error,
    ) -> Result<Option<UserRecord>> {
        let note = format!("P100 could not be asked: {}", why.operator_message());
        self.settle(claim, Confirmation::Unconfirmed, note).await
    }

    async fn settle(
        &self,
        claim: &PendingClaim,
        outcome: Confirmation,
        note: String,
    ) -> Result<Option<UserRecord>> {
        let id = claim.claim_id;
        let (env, ext) = (claim.environment, claim.event.external_user_id().to_owned());
        let user = self
            .db(move |s| {
                s.settle_claim(id, outcome, &note)?;
                s.user(env, &ext)
            })
            .await?;
        if let Some(u) = &user {
            (self.notifier())(u.clone());
        }
        Ok(user)
    }

    /// Asks P100 about one claim and records what it answers. An error is a read that did not
    /// happen (worth asking again); a refusal that answers the question is an outcome.
    async fn confirm(&self, claim: &PendingClaim) -> Result<(Confirmation, String)> {
        use Confirmation::{Confirmed, Unconfirmed};
        let env = claim.environment;
        let ext = claim.event.external_user_id().to_owned();
        let id = ext.clone();
        let Some(user) = self.db(move |s| s.user(env, &id)).await? else {
            return Ok((Unconfirmed, "the user is no longer in the roster".into()));
        };
        let client = self.environments.client_for(env).await?;
        Ok(match &claim.event {
            WebhookEvent::KycVerification {
                verification_status,
                attempt_status,
                rejection_reason,
                ..
            } => match client.get_kyc_status(&ext).await {
                Ok(status) => {
                    let same = status.verification_status == *verification_status
                        && status.attempt_status == *attempt_status
                        && status.rejection_reason == *rejection_reason;
                    let said = describe_kyc(&status);
                    self.take_kyc_answer(env, &ext, status, EventSource::Webhook)
                        .await?;
                    if same {
                        (
                            Confirmed,
                            format!("P100's KYC status says the same ({said})"),
                        )
                    } else {
                        (Unconfirmed, format!("P100's KYC status says {said}"))
                    }
                }
                Err(e) => refusal(e)?,
            },
            WebhookEvent::PoaStatus { status, .. } => match client.get_kyc_status(&ext).await {
                Ok(answer) => match answer.poa_status {
                    Some(p) => {
                        let same = p == *status;
                        self.take_kyc_answer(env, &ext, answer, EventSource::Webhook)
                            .await?;
                        if same {
                            (
                                Confirmed,
                                format!("P100 says the proof of address is {}", p.as_str()),
                            )
                        } else {
                            (
                                Unconfirmed,
                                format!("P100 says the proof of address is {}", p.as_str()),
                            )
                        }
                    }
                    None => (
                        Unconfirmed,
                        "P100's answer carries no proof-of-address status".into(),
                    ),
                },
                Err(e) => refusal(e)?,
            },
            WebhookEvent::UserStatus { status, .. } => match status {
                UserStatus::Active if user.status == UserStatus::Active => {
                    (Confirmed, "the roster has it from P100 already".into())
                }
                UserStatus::Active if user.status == UserStatus::WaitingForActivation => {
                    if self
                        .activation_check(env, &ext, EventSource::Webhook)
                        .await?
                    {
                        (
                            Confirmed,
                            "P100 shows the user's balances: activated".into(),
                        )
                    } else {
                        (
                            Unconfirmed,
                            "P100 shows no balances for the user: not active".into(),
                        )
                    }
                }
                UserStatus::Deleted => match client.get_user_balances(&ext).await {
                    Err(e) if e.code() == Some(Code::UserNotFound) => {
                        let record = self
                            .db(move |s| {
                                s.add_event(
                                    env,
                                    &ext,
                                    EventSource::Webhook,
                                    &Event::UserStatus {
                                        status: UserStatus::Deleted,
                                    },
                                )?;
                                s.apply_to_user(env, &ext, &RosterChange::Deleted)
                            })
                            .await?;
                        (self.notifier())(record);
                        (Confirmed, "P100 no longer knows the user (P412)".into())
                    }
                    Ok(_) => (Unconfirmed, "P100 still has the user".into()),
                    Err(e) => return Err(Error::P100(e)),
                },
                other if user.status == *other => (
                    Confirmed,
                    "the roster has it from P100's answer to this desk".into(),
                ),
                _ => (
                    Unconfirmed,
                    "no P100 read tells a user's suspension: only an operation's answer records it"
                        .into(),
                ),
            },
            WebhookEvent::KycFile { .. } => (
                Unconfirmed,
                "no P100 read tells what became of a KYC file; the claim changes nothing".into(),
            ),
            WebhookEvent::Transfer(t) => match client.transfer(&t.id).await {
                Ok(d) => said_status("transfer", d.status == t.status, status_word(&d.status)),
                Err(e) => move_refusal(e)?,
            },
            WebhookEvent::Exchange(x) => match client.exchange(&x.id).await {
                Ok(d) => said_status("exchange", d.status == x.status, status_word(&d.status)),
                Err(e) => move_refusal(e)?,
            },
            WebhookEvent::CryptoWithdrawal(w) => match client.withdrawal(&w.id).await {
                Ok(d) => said_status("withdrawal", d.status == w.status, status_word(&d.status)),
                Err(e) => move_refusal(e)?,
            },
            WebhookEvent::CryptoDeposit(_) => (
                Unconfirmed,
                "no P100 read tells a deposit's state; the balances show what was credited".into(),
            ),
            WebhookEvent::CardTransaction(_) => (
                Unconfirmed,
                "no P100 read lists card payments; the claim changes nothing".into(),
            ),
            WebhookEvent::Card3dsCode(_) | WebhookEvent::CardActivationCode(_) => (
                Unconfirmed,
                "a card's code is never kept or confirmed".into(),
            ),
        })
    }

    /// Records P100's answer to Get KYC Status when it differs from the roster (KYC, and the
    /// proof of address when the answer carries it), then checks for an activation. Returns
    /// the user when anything changed. Shared by polling and confirmation.
    pub(super) async fn take_kyc_answer(
        &self,
        env: EnvironmentKind,
        ext: &str,
        status: KycStatus,
        source: EventSource,
    ) -> Result<Option<UserRecord>> {
        let id = ext.to_owned();
        let changed: Option<UserRecord> = self
            .db(move |s| {
                let Some(user) = s.user(env, &id)? else {
                    return Ok(None);
                };
                let mut record = None;
                let report = KycReport::from(&status);
                let known = (
                    user.verification_status,
                    user.attempt_status,
                    user.rejection_reason.as_deref(),
                );
                let now = (
                    Some(report.verification_status),
                    report.attempt_status,
                    report.rejection_reason.as_deref(),
                );
                if now != known {
                    s.add_event(env, &id, source, &Event::KycStatus(report.clone()))?;
                    record = Some(s.apply_to_user(
                        env,
                        &id,
                        &RosterChange::Kyc {
                            method: None,
                            verification_id: None,
                            verification_status: Some(report.verification_status),
                            attempt_status: report.attempt_status,
                            rejection_reason: report.rejection_reason.clone(),
                        },
                    )?);
                }
                if let Some(poa) = status.poa_status
                    && user.poa_status != Some(poa)
                {
                    s.add_event(env, &id, source, &Event::PoaStatus { status: poa })?;
                    record = Some(s.apply_to_user(env, &id, &RosterChange::Poa(Some(poa)))?);
                }
                Ok(record)
            })
            .await?;
        let Some(record) = changed else {
            // Nothing new in the answer; a verified user still waiting may have had its balances
            // opened since the review was recorded.
            return self.activate_if_due(env, ext, source).await;
        };
        let record = self
            .activate_if_due(env, ext, source)
            .await?
            .unwrap_or(record);
        (self.notifier())(record.clone());
        Ok(Some(record))
    }

    /// A passed review activates the user (balances appear): when the roster has the user
    /// verified and still waiting, the balances are asked for and, when they exist, the
    /// activation recorded. The user as it is then, when it was activated.
    pub(crate) async fn activate_if_due(
        &self,
        env: EnvironmentKind,
        ext: &str,
        source: EventSource,
    ) -> Result<Option<UserRecord>> {
        let id = ext.to_owned();
        let due = self.db(move |s| s.user(env, &id)).await?.is_some_and(|u| {
            u.verification_status == Some(VerificationStatus::Verified)
                && u.status == UserStatus::WaitingForActivation
                && u.stage != Stage::NeedsAction
                && u.deleted_at.is_none()
        });
        if !due {
            return Ok(None);
        }
        match self.activation_check(env, ext, source).await {
            Ok(true) => {}
            Ok(false) => return Ok(None),
            Err(Error::P100(e)) => {
                tracing::debug!(error = %e, "activation check failed");
                return Ok(None);
            }
            Err(e) => return Err(e),
        }
        let id = ext.to_owned();
        self.db(move |s| s.user(env, &id)).await
    }

    /// Asks P100 for the user's balances; when they exist and the roster still waits for the
    /// activation, records it. True when the user is active by P100's answer.
    pub(crate) async fn activation_check(
        &self,
        env: EnvironmentKind,
        ext: &str,
        source: EventSource,
    ) -> Result<bool> {
        let balances = self
            .environments
            .client_for(env)
            .await?
            .get_user_balances(ext)
            .await?;
        let active = !balances.fiat_balances.is_empty() || !balances.crypto_balances.is_empty();
        if active {
            let id = ext.to_owned();
            if let Some(record) = self
                .db(move |s| s.record_activation(env, &id, source))
                .await?
            {
                (self.notifier())(record);
            }
        }
        Ok(active)
    }
}

/// A move's claim against P100's details of it: the same status, or what P100 says instead.
fn said_status(what: &str, same: bool, status: String) -> (Confirmation, String) {
    if same {
        (
            Confirmation::Confirmed,
            format!("P100's {what} details say the same ({status})"),
        )
    } else {
        (
            Confirmation::Unconfirmed,
            format!("P100's {what} details say {status}"),
        )
    }
}

fn status_word<S: serde::Serialize>(s: &S) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// P100 does not know the move (`P904`): that answers the question.
fn move_refusal(e: p100::Error) -> Result<(Confirmation, String)> {
    match e.code() {
        Some(Code::MoveNotFound) => Ok((
            Confirmation::Unconfirmed,
            "P100 answered P904: it has no such move".into(),
        )),
        _ => Err(Error::P100(e)),
    }
}

/// A refusal from a KYC read that answers the claim (the user or its KYC is unknown to P100),
/// or the error itself when the read did not happen.
fn refusal(e: p100::Error) -> Result<(Confirmation, String)> {
    match e.code() {
        Some(code @ (Code::UserNotFound | Code::KycNotFound)) => Ok((
            Confirmation::Unconfirmed,
            format!("P100 answered {code}: it has no such KYC"),
        )),
        _ => Err(Error::P100(e)),
    }
}

fn describe_kyc(s: &KycStatus) -> String {
    let mut said = s.verification_status.as_str().to_owned();
    if let Some(a) = s.attempt_status {
        said.push_str(&format!(" / {}", a.as_str()));
    }
    if let Some(r) = &s.rejection_reason {
        said.push_str(&format!(" ({r})"));
    }
    said
}
