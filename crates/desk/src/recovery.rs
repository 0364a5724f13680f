//! Operations left open — the desk was killed mid-call, the answer was lost, or the operator
//! cancelled a retry — are listed for the operator to send again or to resolve by hand. Nothing
//! is retried behind the operator's back: whether to repeat a call whose effect is unknown is a
//! decision, and the operator may already have checked with P100.

use crate::desk::Desk;
use crate::environment::EnvironmentKind;
use crate::error::{Error, Result};
use crate::ledger::journal::NewJournalEntry;
use crate::ledger::outbox::{OutboxEntry, OutboxState};
use crate::ledger::roster::UserRecord;
use p100::FieldError;
use p100::models::{CreateUserRequest, UserProfile, UserVerificationRequest};
use p100::routes;
use serde::Serialize;
use ts_rs::TS;

/// An open operation as the journal screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OpenOperation {
    pub id: String,
    pub environment: EnvironmentKind,
    pub operation: String,
    pub target: String,
    /// `pending` (no answer was recorded: the desk stopped mid-call) or `unknown` (sent, no answer).
    pub state: OutboxState,
    pub attempts: u32,
    pub created_at: String,
    pub last_error: Option<String>,
    /// Whether "Send again" is offered: the stored request can be repeated safely. Uploads need
    /// the files picked again, and a hosted session or a verification must not be doubled.
    pub retryable: bool,
}

/// The changes a repeat cannot double (`p100::retry::repeatable`), except uploads: the desk keeps
/// no documents to send again.
fn retryable(operation: &str) -> bool {
    routes::ALL.iter().any(|r| {
        r.name == operation
            && r.method != routes::Method::Get
            && p100::retry::repeatable(r)
            && ![routes::ADD_KYC_FILE.name, routes::ADD_POA_FILE.name].contains(&r.name)
    })
}

fn open_operation(e: OutboxEntry) -> OpenOperation {
    OpenOperation {
        retryable: retryable(&e.operation),
        environment: e.environment,
        id: e.id,
        operation: e.operation,
        target: e.target,
        state: e.state,
        attempts: e.attempts.max(0) as u32,
        created_at: e.created_at,
        last_error: e.last_error,
    }
}

fn bad_payload(e: serde_json::Error) -> Error {
    Error::Internal(format!("the stored request cannot be read: {e}"))
}

impl Desk {
    /// The outbox entry `id`, if it is still open.
    async fn open_entry(&self, id: &str) -> Result<OutboxEntry> {
        let key = id.to_owned();
        let entry = self.db(move |s| s.outbox_entry(&key)).await?;
        if !entry.state.is_open() {
            return Err(Error::Invalid(vec![FieldError::new(
                "operationId",
                "this operation is not open any more",
            )]));
        }
        Ok(entry)
    }

    /// Operations still pending or of unknown outcome, oldest first, in every environment.
    pub async fn open_operations(&self) -> Result<Vec<OpenOperation>> {
        let entries = self.db(|s| s.outbox_open_entries()).await?;
        Ok(entries.into_iter().map(open_operation).collect())
    }

    /// Sends an open operation again, as stored, in its own environment. A repeat that P100
    /// answers "already done" closes it as done.
    pub async fn retry_operation(&self, id: &str) -> Result<UserRecord> {
        let entry = self.open_entry(id).await?;
        let env = entry.environment;
        let payload: serde_json::Value =
            serde_json::from_str(&entry.payload_json).map_err(bad_payload)?;
        let retrying = Some(entry.id.clone());
        let ext = entry.target.as_str();
        match entry.operation.as_str() {
            n if n == routes::CREATE_USER.name => {
                let req: CreateUserRequest =
                    serde_json::from_value(payload).map_err(bad_payload)?;
                self.send_create(env, req, retrying).await
            }
            n if n == routes::UPDATE_USER.name => {
                let changes: UserProfile = serde_json::from_value(payload).map_err(bad_payload)?;
                self.send_update(env, ext, changes, retrying).await
            }
            n if n == routes::ADD_USER_VERIFICATION.name
                && serde_json::from_value::<UserVerificationRequest>(payload.clone()).is_ok() =>
            {
                Err(Error::Invalid(vec![FieldError::new(
                    "operationId",
                    "a verification may already be under review at P100: refresh the user's KYC \
                     status, then resolve this entry",
                )]))
            }
            n => match crate::account::StateChange::from_outbox(n, &payload) {
                Some(change) => self.send_state_change(env, ext, change, retrying).await,
                None => Err(Error::Invalid(vec![FieldError::new(
                    "operationId",
                    "this operation cannot be sent again from the journal: check the user at P100, \
                     then resolve it (uploads need their files picked again)",
                )])),
            },
        }
    }

    /// Closes an open operation by the operator's word: `happened` (P100 did it) or not. The
    /// journal keeps who decided.
    pub async fn resolve_operation(&self, id: &str, happened: bool) -> Result<()> {
        let entry = self.open_entry(id).await?;
        let operator = self.operations().operator().to_owned();
        self.db(move |s| {
            let (state, words) = if happened {
                (
                    OutboxState::Done,
                    "resolved by the operator: it happened at P100",
                )
            } else {
                (
                    OutboxState::Failed,
                    "resolved by the operator: it did not happen at P100",
                )
            };
            s.outbox_close(&entry.id, state, Some(words), 1)?;
            s.journal(&NewJournalEntry {
                operator: &operator,
                environment: entry.environment,
                operation: "resolveOperation",
                target: Some(&entry.target),
                outcome: "ok",
                p100_code: None,
                http_status: None,
                duration_ms: 0,
                message: Some(&format!("{} — {words}", entry.operation)),
            })?;
            Ok(())
        })
        .await
    }
}
