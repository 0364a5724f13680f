//! The audit journal: who did what, where, when, and how it ended. Never secrets or documents.

use super::{Store, now};
use crate::environment::EnvironmentKind;
use crate::error::Result;
use rusqlite::params;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JournalEntry {
    pub id: i64,
    pub at: String,
    /// The OS user at the desk.
    pub operator: String,
    pub environment: EnvironmentKind,
    /// e.g. `createUser`, the route name of `p100::routes`.
    pub operation: String,
    /// The `externalUserId` acted on.
    pub target: Option<String>,
    /// `ok`, `error`, or `unknown` (sent, no answer).
    pub outcome: String,
    pub p100_code: Option<String>,
    pub http_status: Option<u16>,
    pub duration_ms: u32,
    pub message: Option<String>,
}

/// A journal line before it is written.
pub struct NewJournalEntry<'a> {
    pub operator: &'a str,
    pub environment: EnvironmentKind,
    pub operation: &'a str,
    pub target: Option<&'a str>,
    pub outcome: &'a str,
    pub p100_code: Option<&'a str>,
    pub http_status: Option<u16>,
    pub duration_ms: u32,
    pub message: Option<&'a str>,
}

impl Store {
    pub fn journal(&self, e: &NewJournalEntry<'_>) -> Result<i64> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO journal (at, operator, environment, operation, target, outcome, p100_code, http_status,
                                  duration_ms, message)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                now(),
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
        Ok(conn.last_insert_rowid())
    }

    /// The newest entries first.
    pub fn recent_journal(&self, limit: u32) -> Result<Vec<JournalEntry>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, at, operator, environment, operation, target, outcome, p100_code, http_status, duration_ms,
                    message
             FROM journal ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit], |r| {
                let env: String = r.get(3)?;
                Ok(JournalEntry {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    operator: r.get(2)?,
                    environment: EnvironmentKind::parse(&env).unwrap_or(EnvironmentKind::Custom),
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
