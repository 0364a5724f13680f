//! The outbox in PostgreSQL.

use super::{PgTx, db, word};
use desk::EnvironmentKind;
use desk::Result;
use desk::ledger::outbox::{OutboxEntry, OutboxState, OutboxTx};

const COLUMNS: &str =
    "id, environment, operation, target, payload_json, state, attempts, last_error, created_at";

fn from_row(r: &postgres::Row) -> Result<OutboxEntry> {
    Ok(OutboxEntry {
        id: r.get(0),
        environment: word(r.get(1), "outbox environment")?,
        operation: r.get(2),
        target: r.get(3),
        payload_json: r.get(4),
        state: word(r.get(5), "outbox state")?,
        attempts: r.get(6),
        last_error: r.get(7),
        created_at: r.get(8),
    })
}

impl OutboxTx for PgTx<'_> {
    fn outbox_open(
        &self,
        env: EnvironmentKind,
        operation: &str,
        target: &str,
        payload: &serde_json::Value,
    ) -> Result<String> {
        let id = uuid::Uuid::new_v4().to_string();
        let at = desk::ledger::now();
        self.pg()
            .execute(
                "INSERT INTO outbox (id, environment, operation, target, payload_json, state, attempts, created_at,
                                     updated_at)
                 VALUES ($1, $2, $3, $4, $5, 'pending', 1, $6, $6)",
                &[&id, &env.as_str(), &operation, &target, &payload.to_string(), &at],
            )
            .map_err(db)?;
        Ok(id)
    }

    fn outbox_close(
        &self,
        id: &str,
        state: OutboxState,
        error: Option<&str>,
        attempts: u32,
    ) -> Result<()> {
        self.pg()
            .execute(
                "UPDATE outbox SET state = $2, updated_at = $3, last_error = $4, attempts = attempts + $5 - 1
                 WHERE id = $1",
                &[
                    &id,
                    &state.as_str(),
                    &desk::ledger::now(),
                    &error,
                    &i64::from(attempts),
                ],
            )
            .map_err(db)?;
        Ok(())
    }

    fn outbox_attempt(&self, id: &str) -> Result<()> {
        let n = self
            .pg()
            .execute(
                "UPDATE outbox SET state = 'pending', attempts = attempts + 1, updated_at = $2
                 WHERE id = $1 AND state IN ('pending', 'unknown')",
                &[&id, &desk::ledger::now()],
            )
            .map_err(db)?;
        if n == 0 {
            return Err(desk::Error::Invalid(vec![p100::FieldError::new(
                "operationId",
                "this operation is not open any more",
            )]));
        }
        Ok(())
    }

    fn outbox_entry(&self, id: &str) -> Result<OutboxEntry> {
        let row = self
            .pg()
            .query_opt(
                &format!("SELECT {COLUMNS} FROM outbox WHERE id = $1"),
                &[&id],
            )
            .map_err(db)?
            .ok_or_else(|| {
                desk::Error::Invalid(vec![p100::FieldError::new(
                    "operationId",
                    "there is no such operation",
                )])
            })?;
        from_row(&row)
    }

    fn outbox_open_entries(&self) -> Result<Vec<OutboxEntry>> {
        self.pg()
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM outbox WHERE state IN ('pending', 'unknown') ORDER BY seq"
                ),
                &[],
            )
            .map_err(db)?
            .iter()
            .map(from_row)
            .collect()
    }
}
