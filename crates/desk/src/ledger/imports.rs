//! Bulk imports as jobs: a job holds every row of a file as planned (the dry run's answer), and
//! each row's outcome once it has one. Workers take running jobs by a lease (in the hub, any
//! replica may), so a job outlives the window that started it and a restart resumes it from the
//! first row without an outcome.

use crate::environment::EnvironmentKind;
use crate::error::Result;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What became of one row (the hub's `users import` prints one a line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ImportOutcome {
    Created,
    Tracked,
    Refused,
    /// P100 could not be asked or did not answer in time: run the file again.
    Failed,
}

impl ImportOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportOutcome::Created => "created",
            ImportOutcome::Tracked => "tracked",
            ImportOutcome::Refused => "refused",
            ImportOutcome::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Created, Self::Tracked, Self::Refused, Self::Failed]
            .into_iter()
            .find(|o| o.as_str() == s)
    }
}

/// One row's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RowResult {
    /// Data rows counted from 1 under the header.
    pub row: u32,
    pub external_user_id: String,
    pub outcome: ImportOutcome,
    /// The refused fields (`""` for the row as a whole).
    pub fields: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub message: Option<String>,
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ImportState {
    /// Rows are being sent (or wait for a worker).
    Running,
    /// Stopped by an operator; resumes from the next row.
    Paused,
    /// Stopped for good; the rows without an outcome are never sent.
    Cancelled,
    /// Every row has an outcome.
    Done,
}

impl ImportState {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportState::Running => "running",
            ImportState::Paused => "paused",
            ImportState::Cancelled => "cancelled",
            ImportState::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Running, Self::Paused, Self::Cancelled, Self::Done]
            .into_iter()
            .find(|o| o.as_str() == s)
    }
}

/// A job and its progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportJob {
    pub id: String,
    pub environment: EnvironmentKind,
    pub file_name: String,
    /// The operator who started it.
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub state: ImportState,
    /// Rows sent to P100 per second at most (429s slow it further).
    pub per_second: f64,
    pub rows: u32,
    pub created: u32,
    pub tracked: u32,
    pub refused: u32,
    pub failed: u32,
}

impl ImportJob {
    /// Rows with an outcome.
    pub fn finished_rows(&self) -> u32 {
        self.created + self.tracked + self.refused + self.failed
    }
}

/// What a new job is made of.
pub struct NewImportJob<'a> {
    pub id: &'a str,
    pub environment: EnvironmentKind,
    pub file_name: &'a str,
    pub created_by: &'a str,
    pub per_second: f64,
}

/// One row as a job holds it: its plan is the import's own (JSON), opaque to the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredImportRow {
    pub row: u32,
    pub external_user_id: String,
    pub plan_json: String,
}

/// The jobs' primitives.
pub trait ImportsTx {
    /// Adds a running job with its rows, none with an outcome yet.
    fn insert_import_job(&self, job: &NewImportJob<'_>, rows: &[StoredImportRow]) -> Result<()>;
    fn import_job(&self, id: &str) -> Result<Option<ImportJob>>;
    /// The environment's newest jobs first.
    fn import_jobs(&self, env: EnvironmentKind, limit: u32) -> Result<Vec<ImportJob>>;
    /// Moves a job to `state` (its lease is let go when it stops running).
    fn set_import_state(&self, id: &str, state: ImportState, at: &str) -> Result<()>;
    /// Takes the oldest running job of `env` that no worker holds (or whose lease ran out
    /// before `now`, or that this same worker held before a restart), for `worker` until
    /// `until`.
    fn take_import_job(
        &self,
        env: EnvironmentKind,
        worker: &str,
        now: &str,
        until: &str,
    ) -> Result<Option<String>>;
    /// Keeps the job `worker`'s until `until`; `false` when another took it meanwhile.
    fn renew_import_lease(&self, id: &str, worker: &str, until: &str) -> Result<bool>;
    /// The first `limit` rows without an outcome, in the file's order.
    fn pending_import_rows(&self, id: &str, limit: u32) -> Result<Vec<StoredImportRow>>;
    /// Writes a row's outcome and counts it; a row that has one already keeps it.
    fn record_import_row(&self, id: &str, result: &RowResult, at: &str) -> Result<()>;
    /// Every row's result so far, in the file's order.
    fn import_results(&self, id: &str) -> Result<Vec<RowResult>>;
}
