//! The audit journal in SQLite.

use super::{SqliteTx, word};
use crate::error::Result;
use crate::ledger::journal::{JournalEntry, JournalFilter, JournalTx, NewJournalEntry};
use rusqlite::params;

impl JournalTx for SqliteTx<'_> {
    fn journal(&self, e: &NewJournalEntry<'_>) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO journal (at, operator, environment, operation, target, outcome, p100_code, http_status,
                                  duration_ms, message)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                crate::ledger::now(),
                e.operator,
                e.environment.as_str(),
                e.operation,
                e.target,
                e.outcome,
                e.p100_code,
                e.http_status,
                e.duration_ms,
                e.message
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Entries matching every given part of `f`, newest first.
    fn query_journal(&self, f: &JournalFilter) -> Result<Vec<JournalEntry>> {
        let blank = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let target =
            blank(&f.target).map(|t| format!("%{}%", t.replace('%', "\\%").replace('_', "\\_")));
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, operator, environment, operation, target, outcome, p100_code, http_status, duration_ms,
                    message
             FROM journal
             WHERE (?1 IS NULL OR environment = ?1) AND (?2 IS NULL OR operator = ?2)
               AND (?3 IS NULL OR operation = ?3) AND (?4 IS NULL OR outcome = ?4)
               AND (?5 IS NULL OR target LIKE ?5 ESCAPE '\\') AND (?6 IS NULL OR at >= ?6)
               AND (?7 IS NULL OR at < ?7)
             ORDER BY id DESC LIMIT ?8",
        )?;
        let params = rusqlite::params![
            f.environment.map(|e| e.as_str()),
            blank(&f.operator),
            blank(&f.operation),
            blank(&f.outcome),
            target,
            blank(&f.from),
            blank(&f.to),
            f.limit.unwrap_or(500).clamp(1, 10_000),
        ];
        let rows = stmt
            .query_map(params, |r| {
                Ok(JournalEntry {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    operator: r.get(2)?,
                    environment: word(r, 3, "journal environment")?,
                    operation: r.get(4)?,
                    target: r.get(5)?,
                    outcome: r.get(6)?,
                    p100_code: r.get(7)?,
                    http_status: r.get(8)?,
                    duration_ms: r.get(9)?,
                    message: r.get(10)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
