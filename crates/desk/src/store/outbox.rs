//! The outbox: a mutating operation is written before it is sent and closed after, so that a
//! crash or a lost answer leaves it visible instead of silently gone.

use super::{Store, now};
use crate::environment::EnvironmentKind;
use crate::error::Result;
use crate::store::roster::word;
use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where an outbox entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum OutboxState {
    /// Written, not yet answered (a crash leaves it here).
    Pending,
    Done,
    /// P100 answered with a refusal: nothing happened there.
    Failed,
    /// Sent, but no answer came (timeout, dropped connection, 5xx): it may have happened.
    Unknown,
}

impl OutboxState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Unknown => "unknown",
        }
    }

    /// Still open: sent again, or resolved, by the operator.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Pending | Self::Unknown)
    }
}

/// An outbox row, for the operator's "open operations" list and for tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub id: String,
    pub environment: EnvironmentKind,
    pub operation: String,
    pub target: String,
    pub payload_json: String,
    pub state: OutboxState,
    pub attempts: i64,
    pub created_at: String,
    pub last_error: Option<String>,
}

impl Store {
    /// Records an operation about to be sent; returns its id.
    pub fn outbox_open(
        &self,
        env: EnvironmentKind,
        operation: &str,
        target: &str,
        payload: &serde_json::Value,
    ) -> Result<String> {
        let id = uuid::Uuid::new_v4().to_string();
        let at = now();
        self.conn().execute(
            "INSERT INTO outbox (id, environment, operation, target, payload_json, state, attempts, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'pending', 1, ?6, ?6)",
            params![id, env.as_str(), operation, target, payload.to_string(), at],
        )?;
        Ok(id)
    }

    /// Closes an entry; `attempts` is how many sends this run made (added to the earlier ones).
    pub fn outbox_close(
        &self,
        id: &str,
        state: OutboxState,
        error: Option<&str>,
        attempts: u32,
    ) -> Result<()> {
        self.conn().execute(
            "UPDATE outbox SET state = ?2, updated_at = ?3, last_error = ?4, attempts = attempts + ?5 - 1
             WHERE id = ?1",
            params![id, state.as_str(), now(), error, attempts],
        )?;
        Ok(())
    }

    /// An open entry is being sent again (retried from the journal after a crash or a lost
    /// answer): back to pending, one more attempt.
    pub fn outbox_attempt(&self, id: &str) -> Result<()> {
        let n = self.conn().execute(
            "UPDATE outbox SET state = 'pending', attempts = attempts + 1, updated_at = ?2
             WHERE id = ?1 AND state IN ('pending', 'unknown')",
            params![id, now()],
        )?;
        if n == 0 {
            return Err(crate::Error::Invalid(vec![p100::FieldError::new(
                "operationId",
                "this operation is not open any more",
            )]));
        }
        Ok(())
    }

    pub fn outbox_entry(&self, id: &str) -> Result<OutboxEntry> {
        Ok(self.conn().query_row(
            "SELECT id, environment, operation, target, payload_json, state, attempts, last_error, created_at
             FROM outbox WHERE id = ?1",
            [id],
            |r| {
                Ok(OutboxEntry {
                    id: r.get(0)?,
                    environment: word(r, 1, "outbox environment")?,
                    operation: r.get(2)?,
                    target: r.get(3)?,
                    payload_json: r.get(4)?,
                    state: word(r, 5, "outbox state")?,
                    attempts: r.get(6)?,
                    last_error: r.get(7)?,
                    created_at: r.get(8)?,
                })
            },
        )?)
    }

    /// Entries still pending or of unknown outcome, oldest first.
    pub fn outbox_open_entries(&self) -> Result<Vec<OutboxEntry>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id FROM outbox WHERE state IN ('pending', 'unknown') ORDER BY rowid",
        )?;
        let ids = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        drop(stmt);
        drop(conn);
        ids.iter().map(|id| self.outbox_entry(id)).collect()
    }
}
