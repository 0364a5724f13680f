//! Bulk onboarding from CSV: read the file (`csv`), plan each row with the same rules as the
//! form (`rows`: the dry run), then run each planned row through the desk core — a create with
//! the file's `externalUserId`, through the outbox like any create; a track for a row with only
//! an id; the refusal otherwise. Running a file again creates nobody: an id on the roster is
//! refused, and a create the last run left open (sent, no answer) is sent again from its outbox
//! entry, where P100's "exists" closes it as done.

pub mod csv;
pub mod jobs;
pub mod rows;

use crate::desk::Desk;
use crate::environment::EnvironmentKind;
use crate::error::{Error, Result};
use crate::tracking::TrackOutcome;
use p100::codes::Code;
use rows::{Plan, PlannedRow};
use std::collections::HashMap;

pub use crate::ledger::imports::{ImportOutcome, RowResult};

/// What an import of one environment reads once, not once a row: the creates left open by an
/// earlier run (sent, no answer), by `externalUserId`, to be sent again from their outbox entry.
pub struct ImportRun {
    env: EnvironmentKind,
    open_creates: HashMap<String, String>,
    /// The rows were planned against the roster (a job's dry run refused its users), so a
    /// row's user on the roster now was made by this import before a restart: the row is
    /// done, not refused.
    planned_against_roster: bool,
}

impl ImportRun {
    /// For a job's rows, which were planned against the roster.
    pub fn planned_against_roster(mut self) -> Self {
        self.planned_against_roster = true;
        self
    }
}

impl RowResult {
    fn new(row: &PlannedRow, outcome: ImportOutcome) -> Self {
        Self {
            row: row.row,
            external_user_id: row.external_user_id.clone(),
            outcome,
            fields: Vec::new(),
            message: None,
        }
    }

    /// A row refused at its fields, their messages joined.
    pub(crate) fn refused_at(row: &PlannedRow, errors: &[p100::FieldError]) -> Self {
        Self {
            fields: errors.iter().map(|e| e.field.clone()).collect(),
            message: Some(
                errors
                    .iter()
                    .map(|e| e.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            ..Self::new(row, ImportOutcome::Refused)
        }
    }

    fn refused(row: &PlannedRow, field: &str, message: impl Into<String>) -> Self {
        Self {
            fields: vec![field.to_owned()],
            message: Some(message.into()),
            ..Self::new(row, ImportOutcome::Refused)
        }
    }
}

impl Desk {
    /// Prepares an import into `env`: reads the open creates once.
    pub async fn import_run(&self, env: EnvironmentKind) -> Result<ImportRun> {
        let open_creates = self
            .open_operations()
            .await?
            .into_iter()
            .filter(|o| o.environment == env && o.operation == p100::routes::CREATE_USER.name)
            .map(|o| (o.target, o.id))
            .collect();
        Ok(ImportRun {
            env,
            open_creates,
            planned_against_roster: false,
        })
    }

    /// Runs one planned row. An error is the store's (stop the import); what P100 says is the
    /// row's result.
    pub async fn import_row(&self, run: &ImportRun, row: &PlannedRow) -> Result<RowResult> {
        let request = match &row.plan {
            Plan::Refuse(errors) => return Ok(RowResult::refused_at(row, errors)),
            Plan::Track => return self.import_track(run, row).await,
            Plan::Create(request) => request,
        };
        let env = run.env;
        // Left open by an earlier run (sent, no answer): send that entry again.
        let sent = match run.open_creates.get(&row.external_user_id) {
            Some(id) => self.retry_operation(id).await,
            None => {
                let id = row.external_user_id.clone();
                if self.db(move |s| s.user(env, &id)).await?.is_some() {
                    return Ok(match run.planned_against_roster {
                        true => RowResult::new(row, ImportOutcome::Created),
                        false => RowResult::refused(row, "externalUserId", "already on the roster"),
                    });
                }
                self.send_create_as_given(env, (**request).clone()).await
            }
        };
        Ok(match sent {
            Ok(user) => {
                // Sent from a worker, not a window's command: the windows hear of it this way.
                self.announce(user);
                RowResult::new(row, ImportOutcome::Created)
            }
            Err(e) => self.import_failure(row, e),
        })
    }

    async fn import_track(&self, run: &ImportRun, row: &PlannedRow) -> Result<RowResult> {
        let result = self
            .track_in(run.env, vec![row.external_user_id.clone()])
            .await?
            .pop()
            .ok_or_else(|| Error::Internal("tracking answered nothing".into()))?;
        let message = result.message.unwrap_or_default();
        Ok(match result.outcome {
            TrackOutcome::Tracked => RowResult::new(row, ImportOutcome::Tracked),
            TrackOutcome::AlreadyTracked if run.planned_against_roster => {
                RowResult::new(row, ImportOutcome::Tracked)
            }
            TrackOutcome::AlreadyTracked => {
                RowResult::refused(row, "externalUserId", "already on the roster")
            }
            TrackOutcome::Unknown | TrackOutcome::Refused => {
                RowResult::refused(row, "externalUserId", message)
            }
            TrackOutcome::Failed => RowResult {
                message: Some(message),
                ..RowResult::new(row, ImportOutcome::Failed)
            },
        })
    }

    /// A create that did not go through: refused at its fields when P100 (or the client) said
    /// what was wrong, failed when P100 could not be asked.
    fn import_failure(&self, row: &PlannedRow, e: Error) -> RowResult {
        let fields: Vec<String> = e.field_errors().into_iter().map(|f| f.field).collect();
        let message = e.operator_message();
        match &e {
            Error::P100(p) if p.code() == Some(Code::UserExists) => RowResult::refused(
                row,
                "externalUserId",
                "a user with this externalUserId exists at P100 already: give the row only its \
                 externalUserId to track it",
            ),
            _ if !fields.is_empty() => RowResult {
                fields,
                message: Some(message),
                ..RowResult::new(row, ImportOutcome::Refused)
            },
            // A business refusal; P500/P501 are P100's own trouble, for another run.
            Error::P100(p)
                if p.code()
                    .is_some_and(|c| !matches!(c, Code::UnknownException | Code::Unavailable))
                    && !p.outcome_unknown() =>
            {
                RowResult {
                    fields: vec![String::new()],
                    message: Some(message),
                    ..RowResult::new(row, ImportOutcome::Refused)
                }
            }
            _ => RowResult {
                message: Some(message),
                ..RowResult::new(row, ImportOutcome::Failed)
            },
        }
    }
}
