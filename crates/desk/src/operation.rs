//! How every mutating call to P100 runs: written to the outbox before it is sent, then — in the
//! same blocking step — the roster and timeline take P100's answer, the journal records who did
//! what with which outcome, and the outbox entry is closed.

use crate::desk::Desk;
use crate::environment::EnvironmentKind;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::journal::NewJournalEntry;
use crate::store::outbox::OutboxState;
use std::time::Instant;

/// One call as the journal and the outbox see it.
pub(crate) struct Op {
    pub env: EnvironmentKind,
    /// The route's name, e.g. `suspendUser`.
    pub name: &'static str,
    /// The `externalUserId` acted on.
    pub target: String,
    /// What is sent, for the outbox (never a secret; files appear by name only).
    pub payload: serde_json::Value,
    /// A note for the journal line, e.g. the reason for a suspension.
    pub note: Option<String>,
}

impl Desk {
    /// Runs `call` as `op`; on success `commit` applies the answer to the store.
    pub(crate) async fn run_op<T, R>(
        &self,
        op: Op,
        call: impl Future<Output = p100::Result<T>>,
        commit: impl FnOnce(&Store, T) -> Result<R> + Send + 'static,
    ) -> Result<R>
    where
        T: Send + 'static,
        R: Send + 'static,
    {
        let Op {
            env,
            name,
            target,
            payload,
            note,
        } = op;
        let t = target.clone();
        let outbox_id = self
            .db(move |s| s.outbox_open(env, name, &t, &payload))
            .await?;
        let started = Instant::now();
        let answer = call.await;
        let duration_ms = started.elapsed().as_millis().min(u128::from(u32::MAX)) as u32;
        let operator = self.operator.clone();
        match answer {
            Ok(value) => {
                self.db(move |s| {
                    let result = commit(s, value)?;
                    s.journal(&NewJournalEntry {
                        operator: &operator,
                        environment: env,
                        operation: name,
                        target: Some(&target),
                        outcome: "ok",
                        p100_code: None,
                        http_status: None,
                        duration_ms,
                        message: note.as_deref(),
                    })?;
                    s.outbox_close(&outbox_id, OutboxState::Done, None)?;
                    Ok(result)
                })
                .await
            }
            Err(e) => {
                // A refusal means nothing happened at P100; no answer means it may have.
                let state = if e.outcome_unknown() {
                    OutboxState::Unknown
                } else {
                    OutboxState::Failed
                };
                let (code, status, text) = (
                    e.p100_code().map(str::to_owned),
                    e.http_status(),
                    e.to_string(),
                );
                self.db(move |s| {
                    let message = match &note {
                        Some(n) => format!("{n} — {text}"),
                        None => text.clone(),
                    };
                    s.journal(&NewJournalEntry {
                        operator: &operator,
                        environment: env,
                        operation: name,
                        target: Some(&target),
                        outcome: if state == OutboxState::Unknown { "unknown" } else { "error" },
                        p100_code: code.as_deref(),
                        http_status: status,
                        duration_ms,
                        message: Some(&message),
                    })?;
                    if s.user(env, &target)?.is_some() {
                        let detail = serde_json::json!({"operation": name, "p100Code": code, "message": text});
                        s.add_event(env, &target, "operationFailed", "operator", &detail)?;
                    }
                    s.outbox_close(&outbox_id, state, Some(&text))
                })
                .await?;
                Err(Error::P100(e))
            }
        }
    }
}
