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

/// What the journal screen asks for; every part is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JournalFilter {
    #[ts(optional)]
    pub environment: Option<EnvironmentKind>,
    #[ts(optional)]
    pub operator: Option<String>,
    #[ts(optional)]
    pub operation: Option<String>,
    /// `ok`, `error` or `unknown`.
    #[ts(optional)]
    pub outcome: Option<String>,
    /// Target (`externalUserId`) contains this.
    #[ts(optional)]
    pub target: Option<String>,
    /// At or after (RFC 3339).
    #[ts(optional)]
    pub from: Option<String>,
    /// Before (RFC 3339).
    #[ts(optional)]
    pub to: Option<String>,
    /// At most this many lines (default 500, at most 10,000).
    #[ts(optional)]
    pub limit: Option<u32>,
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
        self.query_journal(&JournalFilter {
            limit: Some(limit),
            ..JournalFilter::default()
        })
    }

    /// Entries matching every given part of `f`, newest first.
    pub fn query_journal(&self, f: &JournalFilter) -> Result<Vec<JournalEntry>> {
        let blank = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let target =
            blank(&f.target).map(|t| format!("%{}%", t.replace('%', "\\%").replace('_', "\\_")));
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
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
                    environment: super::roster::word(r, 3, "journal environment")?,
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
