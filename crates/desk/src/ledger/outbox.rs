//! The outbox: a mutating operation is written before it is sent and closed after, so that a
//! crash or a lost answer leaves it visible instead of silently gone.

use crate::environment::EnvironmentKind;
use crate::error::Result;
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

/// The outbox's primitives.
pub trait OutboxTx {
    /// Records an operation about to be sent (pending, one attempt); its id. Durable once the
    /// transaction commits — before the request leaves.
    fn outbox_open(
        &self,
        env: EnvironmentKind,
        operation: &str,
        target: &str,
        payload: &serde_json::Value,
    ) -> Result<String>;
    /// Closes an entry; `attempts` is how many sends this run made (added to the earlier ones).
    fn outbox_close(
        &self,
        id: &str,
        state: OutboxState,
        error: Option<&str>,
        attempts: u32,
    ) -> Result<()>;
    /// An open entry is being sent again: back to pending, one more attempt. An entry that is
    /// not open is refused at `operationId`.
    fn outbox_attempt(&self, id: &str) -> Result<()>;
    fn outbox_entry(&self, id: &str) -> Result<OutboxEntry>;
    /// Entries still pending or of unknown outcome, oldest first.
    fn outbox_open_entries(&self) -> Result<Vec<OutboxEntry>>;
}
