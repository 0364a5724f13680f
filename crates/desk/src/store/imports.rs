//! Bulk import jobs in SQLite.

use super::{SqliteTx, unreadable, word};
use crate::environment::EnvironmentKind;
use crate::error::Result;
use crate::ledger::imports::{
    ImportJob, ImportState, ImportsTx, NewImportJob, RowResult, StoredImportRow,
};
use rusqlite::{OptionalExtension, Row, params};

const JOB_COLUMNS: &str = "id, environment, file_name, created_by, created_at, updated_at, state, \
                           per_second, rows, created, tracked, refused, failed";

fn job_from_row(r: &Row<'_>) -> rusqlite::Result<ImportJob> {
    Ok(ImportJob {
        id: r.get(0)?,
        environment: word(r, 1, "environment")?,
        file_name: r.get(2)?,
        created_by: r.get(3)?,
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
        state: word(r, 6, "import state")?,
        per_second: r.get(7)?,
        rows: r.get(8)?,
        created: r.get(9)?,
        tracked: r.get(10)?,
        refused: r.get(11)?,
        failed: r.get(12)?,
    })
}

fn result_from_row(r: &Row<'_>) -> rusqlite::Result<RowResult> {
    let fields: Option<String> = r.get(3)?;
    Ok(RowResult {
        row: r.get(0)?,
        external_user_id: r.get(1)?,
        outcome: word(r, 2, "import outcome")?,
        fields: match fields {
            None => Vec::new(),
            Some(f) => serde_json::from_str(&f)
                .map_err(|e| unreadable(3, format!("refused fields ({e})")))?,
        },
        message: r.get(4)?,
    })
}

impl ImportsTx for SqliteTx<'_> {
    fn insert_import_job(&self, job: &NewImportJob<'_>, rows: &[StoredImportRow]) -> Result<()> {
        let at = crate::ledger::now();
        self.conn.execute(
            "INSERT INTO import_jobs (id, environment, file_name, created_by, created_at, updated_at,
                                      state, per_second, rows)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5, 'running', ?6, ?7)",
            params![
                job.id,
                job.environment.as_str(),
                job.file_name,
                job.created_by,
                at,
                job.per_second,
                rows.len() as u32
            ],
        )?;
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO import_rows (job_id, row_no, external_user_id, plan_json) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for r in rows {
            insert.execute(params![job.id, r.row, r.external_user_id, r.plan_json])?;
        }
        Ok(())
    }

    fn import_job(&self, id: &str) -> Result<Option<ImportJob>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {JOB_COLUMNS} FROM import_jobs WHERE id = ?1"),
                [id],
                job_from_row,
            )
            .optional()?)
    }

    fn import_jobs(&self, env: EnvironmentKind, limit: u32) -> Result<Vec<ImportJob>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {JOB_COLUMNS} FROM import_jobs WHERE environment = ?1
             ORDER BY created_at DESC, id LIMIT ?2"
        ))?;
        let jobs = stmt
            .query_map(params![env.as_str(), limit], job_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(jobs)
    }

    fn set_import_state(&self, id: &str, state: ImportState, at: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE import_jobs SET state = ?2, updated_at = ?3,
                 taken_by = CASE WHEN ?2 = 'running' THEN taken_by END,
                 lease_until = CASE WHEN ?2 = 'running' THEN lease_until END
             WHERE id = ?1",
            params![id, state.as_str(), at],
        )?;
        Ok(())
    }

    fn take_import_job(
        &self,
        env: EnvironmentKind,
        worker: &str,
        now: &str,
        until: &str,
    ) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "UPDATE import_jobs SET taken_by = ?2, lease_until = ?4
                 WHERE id = (SELECT id FROM import_jobs
                             WHERE environment = ?1 AND state = 'running'
                               AND (lease_until IS NULL OR lease_until < ?3 OR taken_by = ?2)
                             ORDER BY created_at, id LIMIT 1)
                 RETURNING id",
                params![env.as_str(), worker, now, until],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn renew_import_lease(&self, id: &str, worker: &str, until: &str) -> Result<bool> {
        Ok(self.conn.execute(
            "UPDATE import_jobs SET lease_until = ?3 WHERE id = ?1 AND taken_by = ?2",
            params![id, worker, until],
        )? == 1)
    }

    fn pending_import_rows(&self, id: &str, limit: u32) -> Result<Vec<StoredImportRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT row_no, external_user_id, plan_json FROM import_rows
             WHERE job_id = ?1 AND outcome IS NULL ORDER BY row_no LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(params![id, limit], |r| {
                Ok(StoredImportRow {
                    row: r.get(0)?,
                    external_user_id: r.get(1)?,
                    plan_json: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn record_import_row(&self, id: &str, result: &RowResult, at: &str) -> Result<()> {
        let fields = serde_json::to_string(&result.fields)
            .map_err(|e| crate::Error::Internal(e.to_string()))?;
        let changed = self.conn.execute(
            "UPDATE import_rows SET outcome = ?3, fields_json = ?4, message = ?5
             WHERE job_id = ?1 AND row_no = ?2 AND outcome IS NULL",
            params![
                id,
                result.row,
                result.outcome.as_str(),
                fields,
                result.message
            ],
        )?;
        if changed == 1 {
            // Each outcome has its counter, named as the outcome: a fixed word, never input.
            let column = result.outcome.as_str();
            self.conn.execute(
                &format!(
                    "UPDATE import_jobs SET {column} = {column} + 1, updated_at = ?2 WHERE id = ?1"
                ),
                params![id, at],
            )?;
        }
        Ok(())
    }

    fn import_results(&self, id: &str) -> Result<Vec<RowResult>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT row_no, external_user_id, outcome, fields_json, message FROM import_rows
             WHERE job_id = ?1 AND outcome IS NOT NULL ORDER BY row_no",
        )?;
        let rows = stmt
            .query_map([id], result_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
