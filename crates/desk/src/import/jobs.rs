//! Bulk imports from the window, as jobs: the operator's file is read and planned (the dry run,
//! [`Desk::preview_import`]), then started as a job that holds every planned row
//! ([`Desk::start_import`]). A worker sends the rows at the job's pace, each through
//! [`Desk::import_row`] (the outbox, the journal, the roster, as every create), and writes each
//! outcome as it comes; pause, resume and cancel are the job's state, read before every row. In
//! team mode the job lives in the hub's PostgreSQL and a hub worker runs it, so closing the
//! window does not stop it and every operator sees its progress. A restart resumes from the
//! first row without an outcome; a create that was in flight is found open in the outbox and
//! sent again from there, never twice.

use super::rows::{Mapping, Plan, PlannedRow, column_key};
use super::{RowResult, csv};
use crate::desk::Desk;
use crate::environment::EnvironmentKind;
use crate::error::{Error, Result};
use crate::ledger::imports::{ImportJob, ImportState, NewImportJob, StoredImportRow};
use p100::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use ts_rs::TS;

/// Where the operator's column choices are remembered (column name → create field).
const SETTING_MAPPING: &str = "import.mapping";
/// Jobs the window lists.
const JOBS_LISTED: u32 = 20;
/// The fastest pace a job may be given; P100's own limits (429) slow it further.
pub const MAX_PER_SECOND: f64 = 50.0;
const MIN_PER_SECOND: f64 = 0.1;
/// Rows being sent at once: each waits for two durable commits (outbox, outcome).
const IN_FLIGHT: usize = 4;
/// Rows read from the job at a time.
const BATCH: u32 = 32;
/// How long a taken job is its worker's before another may take it.
const LEASE: Duration = Duration::from_secs(60);
/// How often an idle worker looks for a running job.
const IDLE_LOOK: Duration = Duration::from_secs(1);
/// Sample rows shown beside the mapping.
const SAMPLES: usize = 3;
/// Longest file name kept with a job.
const MAX_FILE_NAME: usize = 255;

/// The dry run's answer: the file's columns, what each fills, and what every row would do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportPreview {
    pub header: Vec<String>,
    /// The fields a column may fill: P100's create fields.
    pub fields: Vec<String>,
    /// For each column, the create field it fills (none: left out): the operator's choice, or
    /// the desk's guess when none was given.
    pub mapping: Vec<Option<String>>,
    /// Why these columns cannot be planned (then no row is counted).
    pub mapping_problem: Option<String>,
    /// The first rows' cells, to show beside the mapping.
    pub samples: Vec<Vec<String>>,
    pub rows: u32,
    /// Rows that would create a user.
    pub creates: u32,
    /// Rows with only an `externalUserId`: users that exist at P100, tracked.
    pub tracks: u32,
    /// Rows refused before anything is sent, at their fields.
    pub refusals: Vec<RowResult>,
}

/// A file planned by the operator's mapping: every row, and the roster's repeats refused.
struct Planned {
    header: Vec<String>,
    mapping: Vec<Option<String>>,
    problem: Option<String>,
    samples: Vec<Vec<String>>,
    rows: Vec<PlannedRow>,
}

fn invalid(field: &str, message: impl Into<String>) -> Error {
    Error::Invalid(vec![FieldError::new(field, message)])
}

impl Desk {
    /// The dry run: reads `csv` (a CSV export, at most 64 MB), maps its columns (`mapping`, or
    /// the desk's guess), and plans every row by the form's rules — nothing is sent.
    pub async fn preview_import(
        &self,
        csv: String,
        mapping: Option<Vec<Option<String>>>,
    ) -> Result<ImportPreview> {
        let env = self.current_environment().await?;
        let p = self.plan_import(env, &csv, mapping).await?;
        let count =
            |want: fn(&Plan) -> bool| p.rows.iter().filter(|r| want(&r.plan)).count() as u32;
        Ok(ImportPreview {
            creates: count(|p| matches!(p, Plan::Create(_))),
            tracks: count(|p| matches!(p, Plan::Track)),
            rows: p.rows.len() as u32,
            refusals: p
                .rows
                .iter()
                .filter_map(|r| match &r.plan {
                    Plan::Refuse(errors) => Some(RowResult::refused_at(r, errors)),
                    _ => None,
                })
                .collect(),
            header: p.header,
            fields: p100::validate::CREATE_FIELDS
                .iter()
                .map(|f| (*f).to_owned())
                .collect(),
            mapping: p.mapping,
            mapping_problem: p.problem,
            samples: p.samples,
        })
    }

    /// Plans the file again (the window's preview is never trusted) and starts it as a running
    /// job; the mapping is remembered for the next file with these columns.
    pub async fn start_import(
        &self,
        file_name: String,
        csv: String,
        mapping: Vec<Option<String>>,
        per_second: f64,
    ) -> Result<ImportJob> {
        if !(MIN_PER_SECOND..=MAX_PER_SECOND).contains(&per_second) {
            return Err(invalid(
                "perSecond",
                format!("must be between {MIN_PER_SECOND} and {MAX_PER_SECOND} rows a second"),
            ));
        }
        let file_name = file_name.trim().to_owned();
        if file_name.is_empty() || file_name.chars().count() > MAX_FILE_NAME {
            return Err(invalid(
                "fileName",
                format!("must be 1 to {MAX_FILE_NAME} characters"),
            ));
        }
        let env = self.current_environment().await?;
        let p = self.plan_import(env, &csv, Some(mapping)).await?;
        if let Some(problem) = p.problem {
            return Err(invalid("mapping", problem));
        }
        if p.rows.is_empty() {
            return Err(invalid("csv", "the file has no data rows"));
        }
        let stored = p
            .rows
            .iter()
            .map(|r| {
                Ok(StoredImportRow {
                    row: r.row,
                    external_user_id: r.external_user_id.clone(),
                    plan_json: serde_json::to_string(&r.plan)
                        .map_err(|e| Error::Internal(e.to_string()))?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let remembered: Vec<(String, String)> = p
            .header
            .iter()
            .zip(&p.mapping)
            .filter_map(|(name, field)| Some((column_key(name), field.clone()?)))
            .collect();
        let id = uuid::Uuid::new_v4().to_string();
        self.db(move |s| {
            let mut choices = remembered_mapping(s.setting(SETTING_MAPPING)?);
            choices.extend(remembered);
            let json =
                serde_json::to_string(&choices).map_err(|e| Error::Internal(e.to_string()))?;
            s.set_setting(SETTING_MAPPING, &json)?;
            s.insert_import_job(
                &NewImportJob {
                    id: &id,
                    environment: env,
                    file_name: &file_name,
                    created_by: s.actor(),
                    per_second,
                },
                &stored,
            )?;
            s.import_job(&id)?
                .ok_or_else(|| Error::Internal("the new import is not in the store".into()))
        })
        .await
    }

    /// The selected environment's newest imports, with their progress.
    pub async fn import_jobs(&self) -> Result<Vec<ImportJob>> {
        self.db_current(|s, env| s.import_jobs(env, JOBS_LISTED))
            .await
    }

    /// Every row's result so far, in the file's order (for the window's export).
    pub async fn import_results(&self, job_id: String) -> Result<Vec<RowResult>> {
        self.known_import(&job_id).await?;
        self.db(move |s| s.import_results(&job_id)).await
    }

    /// Stops sending a running import after the rows already on their way.
    pub async fn pause_import(&self, job_id: String) -> Result<ImportJob> {
        self.move_import(job_id, &[ImportState::Running], ImportState::Paused)
            .await
    }

    /// Sends a paused import's remaining rows again.
    pub async fn resume_import(&self, job_id: String) -> Result<ImportJob> {
        self.move_import(job_id, &[ImportState::Paused], ImportState::Running)
            .await
    }

    /// Stops an import for good: its rows without an outcome are never sent.
    pub async fn cancel_import(&self, job_id: String) -> Result<ImportJob> {
        self.move_import(
            job_id,
            &[ImportState::Running, ImportState::Paused],
            ImportState::Cancelled,
        )
        .await
    }

    /// Takes a running import of the selected environment for `worker`, if one waits.
    pub async fn take_import(&self, worker: &str) -> Result<Option<ImportJob>> {
        let env = self.current_environment().await?;
        let worker = worker.to_owned();
        self.db(move |s| {
            let now = time::OffsetDateTime::now_utc();
            let until = p100::timestamp::format(now + LEASE);
            match s.take_import_job(env, &worker, &p100::timestamp::format(now), &until)? {
                Some(id) => s.import_job(&id),
                None => Ok(None),
            }
        })
        .await
    }

    /// Sends a taken import's rows until it is done, paused, cancelled, or taken by another
    /// worker (its lease ran out). Each row waits for its turn of the job's pace.
    pub async fn run_import(&self, job: &ImportJob, worker: &str) -> Result<()> {
        use futures_util::StreamExt;
        let run = self
            .import_run(job.environment)
            .await?
            .planned_against_roster();
        let pace =
            Duration::from_secs_f64(1.0 / job.per_second.clamp(MIN_PER_SECOND, MAX_PER_SECOND));
        let mut tick = tokio::time::interval(pace);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let tick = tokio::sync::Mutex::new(tick);
        loop {
            let (id, me) = (job.id.clone(), worker.to_owned());
            let rows = self
                .db(move |s| {
                    let until = p100::timestamp::format(time::OffsetDateTime::now_utc() + LEASE);
                    let mine = s.renew_import_lease(&id, &me, &until)?;
                    let running = s
                        .import_job(&id)?
                        .is_some_and(|j| j.state == ImportState::Running);
                    match mine && running {
                        true => s.pending_import_rows(&id, BATCH).map(Some),
                        false => Ok(None),
                    }
                })
                .await?;
            let Some(rows) = rows else { return Ok(()) };
            if rows.is_empty() {
                let id = job.id.clone();
                return self
                    .db(move |s| {
                        // Only a job still running is done: a cancel that came last stays.
                        match s.import_job(&id)?.map(|j| j.state) {
                            Some(ImportState::Running) => {
                                s.set_import_state(&id, ImportState::Done, &crate::ledger::now())
                            }
                            _ => Ok(()),
                        }
                    })
                    .await;
            }
            let (run, tick) = (&run, &tick);
            let mut sent = futures_util::stream::iter(rows)
                .map(|stored| async move { self.import_stored_row(job, run, tick, stored).await })
                .buffered(IN_FLIGHT);
            while let Some(outcome) = sent.next().await {
                outcome?;
            }
        }
    }

    /// One row of a job: sent (after its turn of the pace) while the job still runs, and its
    /// outcome recorded.
    async fn import_stored_row(
        &self,
        job: &ImportJob,
        run: &super::ImportRun,
        tick: &tokio::sync::Mutex<tokio::time::Interval>,
        stored: StoredImportRow,
    ) -> Result<()> {
        let plan: Plan =
            serde_json::from_str(&stored.plan_json).map_err(|e| Error::Unreadable {
                what: "an import row's plan",
                value: e.to_string(),
            })?;
        let row = PlannedRow {
            row: stored.row,
            external_user_id: stored.external_user_id,
            plan,
        };
        // Only a row P100 is asked about waits for its turn of the pace.
        if !matches!(row.plan, Plan::Refuse(_)) {
            tick.lock().await.tick().await;
        }
        // A pause or cancel takes effect before the next row, whatever it is.
        let id = job.id.clone();
        let state = self.db(move |s| s.import_job(&id)).await?.map(|j| j.state);
        if state != Some(ImportState::Running) {
            return Ok(());
        }
        let result = self.import_row(run, &row).await?;
        let id = job.id.clone();
        self.db(move |s| s.record_import_row(&id, &result, &crate::ledger::now()))
            .await
    }

    /// Runs the selected environment's imports, one at a time, until the desk is dropped: the
    /// solo desk's worker (the hub runs its own, as the operator who started each job).
    pub async fn work_imports(self, worker: String) {
        loop {
            match self.take_import(&worker).await {
                Ok(Some(job)) => {
                    if let Err(e) = self.run_import(&job, &worker).await {
                        tracing::warn!(job = %job.id, error = %e, "an import stopped; it is taken up again");
                        tokio::time::sleep(IDLE_LOOK).await;
                    }
                    continue;
                }
                Ok(None) => {}
                Err(e) => tracing::debug!(error = %e, "imports could not be read"),
            }
            tokio::time::sleep(IDLE_LOOK).await;
        }
    }

    async fn known_import(&self, job_id: &str) -> Result<ImportJob> {
        let id = job_id.to_owned();
        self.db_current(move |s, env| Ok(s.import_job(&id)?.filter(|j| j.environment == env)))
            .await?
            .ok_or_else(|| invalid("jobId", "no such import in this environment"))
    }

    async fn move_import(
        &self,
        job_id: String,
        from: &'static [ImportState],
        to: ImportState,
    ) -> Result<ImportJob> {
        self.known_import(&job_id).await?;
        self.db(move |s| {
            let job = s
                .import_job(&job_id)?
                .ok_or_else(|| invalid("jobId", "no such import"))?;
            if !from.contains(&job.state) {
                return Err(invalid(
                    "jobId",
                    format!("this import is {}", job.state.as_str()),
                ));
            }
            s.set_import_state(&job_id, to, &crate::ledger::now())?;
            s.import_job(&job_id)?
                .ok_or_else(|| invalid("jobId", "no such import"))
        })
        .await
    }

    /// Reads and plans a file; the roster's users are refused at `externalUserId`.
    async fn plan_import(
        &self,
        env: EnvironmentKind,
        text: &str,
        mapping: Option<Vec<Option<String>>>,
    ) -> Result<Planned> {
        let table = csv::parse(text.as_bytes()).map_err(|e| invalid("csv", e.to_string()))?;
        let mapping = match mapping {
            Some(m) => m,
            None => {
                let remembered = self.db(|s| s.setting(SETTING_MAPPING)).await?;
                Mapping::suggest(&table.header, &remembered_mapping(remembered))
            }
        };
        let samples = table
            .rows
            .iter()
            .take(SAMPLES)
            .map(|r| r.cells.clone())
            .collect();
        let mut planned = Planned {
            header: table.header.clone(),
            mapping,
            problem: None,
            samples,
            rows: Vec::new(),
        };
        let chosen = match Mapping::chosen(&table.header, &planned.mapping) {
            Ok(m) => m,
            Err(e) => {
                planned.problem = Some(e.to_string());
                return Ok(planned);
            }
        };
        planned.rows = super::rows::plan(&table, &chosen, p100::validate::today());
        let ids: Vec<String> = planned
            .rows
            .iter()
            .filter(|r| !matches!(r.plan, Plan::Refuse(_)))
            .map(|r| r.external_user_id.clone())
            .collect();
        let known: HashSet<String> = self.db(move |s| s.known_users(env, &ids)).await?;
        for r in &mut planned.rows {
            if !matches!(r.plan, Plan::Refuse(_)) && known.contains(&r.external_user_id) {
                r.plan = Plan::Refuse(vec![FieldError::new(
                    "externalUserId",
                    "already on the roster",
                )]);
            }
        }
        Ok(planned)
    }
}

/// The remembered column choices (none when never saved or unreadable: a guess is made).
fn remembered_mapping(stored: Option<String>) -> HashMap<String, String> {
    stored
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default()
}
