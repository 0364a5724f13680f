//! The account's state changes — delete, suspend, unsuspend, extend — checked, sent through the
//! outbox and recorded; and what each one's repeat answers once it happened (reconciliation).

use crate::desk::Desk;
use crate::environment::EnvironmentKind;
use crate::error::{Error, Result};
use crate::ledger::roster::{RosterChange, UserRecord};
use crate::operation::{Duplicate, Op, Operation};
use crate::timeline::{Event, EventSource};
use p100::FieldError;
use p100::models::{UserStatus, VerificationStatus};

/// A suspension's reason, trimmed; refused at `reason` when empty or over 500 characters.
pub(crate) fn suspension_reason(reason: &str) -> Result<String> {
    let reason = reason.trim().to_owned();
    if reason.is_empty() {
        return Err(Error::Invalid(vec![FieldError::new(
            "reason",
            "say why the user is suspended",
        )]));
    }
    if reason.chars().count() > 500 {
        return Err(Error::Invalid(vec![FieldError::new(
            "reason",
            "at most 500 characters",
        )]));
    }
    Ok(reason)
}

impl Desk {
    /// Deletes the user at P100; the roster keeps a tombstone. `confirmation` is what the
    /// operator typed: the user's e-mail or `externalUserId`, checked here as well as in the UI.
    pub async fn delete_user(&self, ext: &str, confirmation: &str) -> Result<UserRecord> {
        let (env, user) = self.known_user(ext).await?;
        let typed = confirmation.trim();
        if typed.is_empty() || (typed != ext && Some(typed) != user.email.as_deref()) {
            return Err(Error::Invalid(vec![FieldError::new(
                "confirmation",
                "type the user's e-mail or external user id to confirm",
            )]));
        }
        self.send_state_change(env, ext, StateChange::Delete, None)
            .await
    }

    /// Suspends the user; the reason is kept in the journal and the timeline.
    pub async fn suspend_user(&self, ext: &str, reason: String) -> Result<UserRecord> {
        let reason = suspension_reason(&reason)?;
        let (env, _) = self.known_user(ext).await?;
        self.send_state_change(env, ext, StateChange::Suspend(reason), None)
            .await
    }

    pub async fn unsuspend_user(&self, ext: &str, reason: String) -> Result<UserRecord> {
        let (env, _) = self.known_user(ext).await?;
        let note = Some(reason.trim().to_owned()).filter(|r| !r.is_empty());
        self.send_state_change(env, ext, StateChange::Unsuspend(note), None)
            .await
    }

    pub async fn extend_user(&self, ext: &str) -> Result<UserRecord> {
        let (env, _) = self.known_user(ext).await?;
        self.send_state_change(env, ext, StateChange::Extend, None)
            .await
    }

    /// Delete, suspend, unsuspend or extend. A repeat of one that already happened is answered
    /// "already so" (`P412`, `P455`, `P901`; extend repeats harmlessly): after an attempt whose
    /// outcome was unknown, that answer is recorded as the change having happened.
    pub(crate) async fn send_state_change(
        &self,
        env: EnvironmentKind,
        ext: &str,
        change: StateChange,
        retrying: Option<String>,
    ) -> Result<UserRecord> {
        let client = self.environments().client_for(env).await?;
        let external_user_id = ext.to_owned();
        let (operation, note) = match &change {
            StateChange::Delete => (Operation::DeleteUser { external_user_id }, None),
            StateChange::Suspend(r) => (
                Operation::SuspendUser {
                    external_user_id,
                    reason: r.clone(),
                },
                Some(r.clone()),
            ),
            StateChange::Unsuspend(r) => (
                Operation::UnsuspendUser {
                    external_user_id,
                    reason: r.clone(),
                },
                r.clone(),
            ),
            StateChange::Extend => (Operation::ExtendUser { external_user_id }, None),
        };
        let op = Op::new(env, operation, retrying).noted(note);
        let call = async {
            match &change {
                StateChange::Delete => client.delete_user(ext).await,
                StateChange::Suspend(r) => client.suspend_user(ext, Some(r)).await,
                StateChange::Unsuspend(_) => client.unsuspend_user(ext).await,
                StateChange::Extend => client.extend_user(ext).await,
            }
        };
        let target = ext.to_owned();
        let (c1, c2) = (change.clone(), change.clone());
        let (t1, t2) = (target.clone(), target);
        let duplicate = Some(Duplicate {
            commit: Box::new(move |s: &dyn crate::ledger::Tx| {
                let status = c1.status_after(s, env, &t1)?;
                c1.record(s, env, &t1, status)
            })
                as Box<dyn FnOnce(&dyn crate::ledger::Tx) -> Result<UserRecord> + Send>,
        });
        self.operations()
            .run_reconciled(
                op,
                call,
                move |s, acc| c2.record(s, env, &t2, acc.status),
                duplicate,
            )
            .await
    }
}

/// A change of the account's state, as sent and as recorded.
#[derive(Debug, Clone)]
pub(crate) enum StateChange {
    Delete,
    Suspend(String),
    Unsuspend(Option<String>),
    Extend,
}

impl StateChange {
    /// The change an open operation asked for, when it is one.
    pub(crate) fn of(operation: &Operation) -> Option<Self> {
        Some(match operation {
            Operation::DeleteUser { .. } => StateChange::Delete,
            Operation::SuspendUser { reason, .. } => StateChange::Suspend(reason.clone()),
            Operation::UnsuspendUser { reason, .. } => StateChange::Unsuspend(reason.clone()),
            Operation::ExtendUser { .. } => StateChange::Extend,
            _ => return None,
        })
    }

    /// The status the user has after the change, when P100's answer was lost: unsuspend returns
    /// to ACTIVE once verification passed, else to WAITING_FOR_ACTIVATION.
    fn status_after(
        &self,
        s: &dyn crate::ledger::Tx,
        env: EnvironmentKind,
        ext: &str,
    ) -> Result<UserStatus> {
        let user = s.user(env, ext)?;
        Ok(match self {
            StateChange::Delete => UserStatus::Deleted,
            StateChange::Suspend(_) => UserStatus::Suspended,
            StateChange::Unsuspend(_) => {
                if user.as_ref().and_then(|u| u.verification_status)
                    == Some(VerificationStatus::Verified)
                {
                    UserStatus::Active
                } else {
                    UserStatus::WaitingForActivation
                }
            }
            StateChange::Extend => user.map_or(UserStatus::Active, |u| u.status),
        })
    }

    /// The timeline event and roster change of the change having happened.
    fn record(
        &self,
        s: &dyn crate::ledger::Tx,
        env: EnvironmentKind,
        ext: &str,
        status: UserStatus,
    ) -> Result<UserRecord> {
        match self {
            StateChange::Delete => {
                s.add_event(env, ext, EventSource::Operator, &Event::Deleted {})?;
                s.apply_to_user(env, ext, &RosterChange::Deleted)
            }
            StateChange::Suspend(r) => {
                let event = Event::Suspended {
                    reason: Some(r.clone()),
                    status,
                };
                s.add_event(env, ext, EventSource::Operator, &event)?;
                s.apply_to_user(env, ext, &RosterChange::Status(status))
            }
            StateChange::Unsuspend(r) => {
                let event = Event::Unsuspended {
                    reason: r.clone(),
                    status,
                };
                s.add_event(env, ext, EventSource::Operator, &event)?;
                s.apply_to_user(env, ext, &RosterChange::Status(status))
            }
            StateChange::Extend => {
                s.add_event(env, ext, EventSource::Operator, &Event::Extended {})?;
                s.apply_to_user(env, ext, &RosterChange::Extended)
            }
        }
    }
}
