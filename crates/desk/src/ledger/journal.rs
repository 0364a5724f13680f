//! The audit journal: who did what, where, when, and how it ended. Never secrets or documents.

use super::Tx;
use crate::environment::EnvironmentKind;
use crate::error::Result;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
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

/// The journal's primitives.
pub trait JournalTx {
    /// Appends a line, stamped now; its id.
    fn journal(&self, e: &NewJournalEntry<'_>) -> Result<i64>;
    /// Lines matching every given part of `f`, newest first.
    fn query_journal(&self, f: &JournalFilter) -> Result<Vec<JournalEntry>>;
}

impl dyn Tx + '_ {
    /// The newest lines first.
    pub fn recent_journal(&self, limit: u32) -> Result<Vec<JournalEntry>> {
        self.query_journal(&JournalFilter {
            limit: Some(limit),
            ..JournalFilter::default()
        })
    }
}
