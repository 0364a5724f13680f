//! The outbox in SQLite.

use super::{SqliteTx, word};
use crate::environment::EnvironmentKind;
use crate::error::Result;
use crate::ledger::outbox::{OutboxEntry, OutboxState, OutboxTx};
use rusqlite::params;

impl OutboxTx for SqliteTx<'_> {
    /// Records an operation about to be sent; returns its id.
    fn outbox_open(
        &self,
        env: EnvironmentKind,
        operation: &str,
        target: &str,
        payload: &serde_json::Value,
    ) -> Result<String> {
        let id = uuid::Uuid::new_v4().to_string();
        let at = crate::ledger::now();
        self.conn.execute(
            "INSERT INTO outbox (id, environment, operation, target, payload_json, state, attempts, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'pending', 1, ?6, ?6)",
            params![id, env.as_str(), operation, target, payload.to_string(), at],
        )?;
        Ok(id)
    }

    /// Closes an entry; `attempts` is how many sends this run made (added to the earlier ones).
    fn outbox_close(
        &self,
        id: &str,
        state: OutboxState,
        error: Option<&str>,
        attempts: u32,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET state = ?2, updated_at = ?3, last_error = ?4, attempts = attempts + ?5 - 1
             WHERE id = ?1",
            params![id, state.as_str(), crate::ledger::now(), error, attempts],
        )?;
        Ok(())
    }

    /// An open entry is being sent again (retried from the journal after a crash or a lost
    /// answer): back to pending, one more attempt.
    fn outbox_attempt(&self, id: &str) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE outbox SET state = 'pending', attempts = attempts + 1, updated_at = ?2
             WHERE id = ?1 AND state IN ('pending', 'unknown')",
            params![id, crate::ledger::now()],
        )?;
        if n == 0 {
            return Err(crate::Error::Invalid(vec![p100::FieldError::new(
                "operationId",
                "this operation is not open any more",
            )]));
        }
        Ok(())
    }

    fn outbox_entry(&self, id: &str) -> Result<OutboxEntry> {
        Ok(self.conn.query_row(
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
    fn outbox_open_entries(&self) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM outbox WHERE state IN ('pending', 'unknown') ORDER BY rowid",
        )?;
        let ids = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        drop(stmt);
        ids.iter().map(|id| self.outbox_entry(id)).collect()
    }
}
