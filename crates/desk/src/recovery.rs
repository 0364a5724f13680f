//! Operations left open — the desk was killed mid-call, the answer was lost, or the operator
//! cancelled a retry — are listed for the operator to send again or to resolve by hand. Nothing
//! is retried behind the operator's back: whether to repeat a call whose effect is unknown is a
//! decision, and the operator may already have checked with P100.

use crate::cards::CardAction;
use crate::desk::Desk;
use crate::environment::EnvironmentKind;
use crate::error::{Error, Result};
use crate::ledger::journal::NewJournalEntry;
use crate::ledger::outbox::{OutboxEntry, OutboxState};
use crate::ledger::roster::UserRecord;
use crate::operation::Operation;
use p100::FieldError;
use p100::models::{Transaction, TransactionQuery, TransactionType};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An open operation as the journal screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
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

/// The operation an outbox entry holds, read back from its stored form.
fn operation_of(e: &OutboxEntry) -> Result<Operation> {
    let payload: serde_json::Value =
        serde_json::from_str(&e.payload_json).map_err(|err| Error::Unreadable {
            what: "an outbox entry's request",
            value: format!("{}: {err}", e.operation),
        })?;
    Operation::from_outbox(&e.operation, &e.target, &payload)
}

fn open_operation(e: OutboxEntry) -> OpenOperation {
    OpenOperation {
        retryable: operation_of(&e).is_ok_and(|op| op.can_send_again()),
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
        let retrying = Some(entry.id.clone());
        let operation = operation_of(&entry)?;
        if !operation.can_send_again() {
            let why = match operation {
                Operation::AddUserVerification(_) | Operation::CreateKycVerification { .. } => {
                    "a verification or hosted check may already be under way at P100: refresh the \
                     user's KYC status, then resolve this entry"
                }
                Operation::Transfer(_)
                | Operation::CreateExchange(_)
                | Operation::CreateWithdrawal(_) => {
                    "money is never moved twice from the journal (P100 takes no idempotency key): \
                     check the user's balances and transactions, then resolve this entry"
                }
                Operation::CreateCard { .. } | Operation::UpdateCardPin { .. } => {
                    "a card's PIN is never kept, so this cannot be sent again: check the user's \
                     cards, then resolve this entry (and create the card or set the PIN anew)"
                }
                _ => {
                    "uploads cannot be sent again from the journal (the desk keeps no documents): \
                     check the user at P100, then resolve it, and pick the files again"
                }
            };
            return Err(Error::Invalid(vec![FieldError::new("operationId", why)]));
        }
        if let Some((action, ext, card_id)) = CardAction::of(&operation) {
            return self
                .resend_card_change(env, ext, card_id, action, retrying)
                .await;
        }
        match operation {
            Operation::CreateUser(req) => self.send_create(env, req, retrying).await,
            Operation::UpdateUser {
                external_user_id,
                changes,
            } => {
                self.send_update(env, &external_user_id, changes, retrying)
                    .await
            }
            Operation::UpdateCardLimits {
                external_user_id,
                card_id,
                limits,
            } => {
                let card = self.card_of(env, &external_user_id, &card_id).await?;
                self.send_card_limits(env, &external_user_id, &card, limits, retrying)
                    .await
            }
            Operation::UpdateTravelRule {
                external_user_id,
                crypto_deposit_id,
                update,
            } => {
                self.send_travel_rule(env, &external_user_id, &crypto_deposit_id, update, retrying)
                    .await
            }
            other => match crate::account::StateChange::of(&other) {
                Some(change) => {
                    self.send_state_change(env, other.target(), change, retrying)
                        .await
                }
                None => Err(Error::Internal(format!(
                    "{} can be sent again but has no way to",
                    other.route().name
                ))),
            },
        }
    }

    /// A card's state change sent again, the card named as P100 lists it now.
    async fn resend_card_change(
        &self,
        env: EnvironmentKind,
        ext: &str,
        card_id: &str,
        action: CardAction,
        retrying: Option<String>,
    ) -> Result<UserRecord> {
        let card = self.card_of(env, ext, card_id).await?;
        self.send_card_change(env, ext, &card, action, retrying)
            .await
    }

    /// What P100 shows about an open transfer, exchange or withdrawal (never sent twice): the
    /// user's history entries of its kind and currency made since the desk sent it, newest
    /// first — what the operator decides "it happened" or "it did not" on. Empty for other
    /// operations.
    pub async fn operation_evidence(&self, id: &str) -> Result<Vec<Transaction>> {
        let entry = self.open_entry(id).await?;
        let (kind, currency) = match operation_of(&entry)? {
            Operation::Transfer(r) => (
                match r.user() {
                    Some((_, true)) => TransactionType::TransferIn,
                    _ => TransactionType::TransferOut,
                },
                r.currency,
            ),
            Operation::CreateExchange(r) => (TransactionType::ExchangeOut, r.currency_from),
            Operation::CreateWithdrawal(r) => (TransactionType::Withdrawal, r.currency),
            _ => return Ok(Vec::new()),
        };
        let client = self.environments().client_for(entry.environment).await?;
        let query = TransactionQuery {
            limit: Some(100),
            currency: Some(currency.as_str().to_owned()),
            kind: Some(kind),
            from: entry.created_at.get(..10).map(str::to_owned),
            ..Default::default()
        };
        let page = client.get_user_transactions(&entry.target, &query).await?;
        Ok(page
            .items
            .into_iter()
            .filter(|t| t.created_at >= entry.created_at)
            .collect())
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
